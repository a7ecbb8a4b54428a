/* Stylesheets imported by the rating pages; Vite bundles them. */
declare module '*.css';
