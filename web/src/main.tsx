/* Entry point: mounts the app into #app. */
import { render } from 'preact';
import { App } from './App';
import { QuestionnaireApp } from './pages/outcomes/QuestionnaireApp';
import { OC_ROUTES } from './pages/outcomes/paths';

const root = document.getElementById('app');
/* A client answering through a link sees that questionnaire and nothing else of kvalab. */
if (root) render(location.pathname === OC_ROUTES.answer ? <QuestionnaireApp /> : <App />, root);
