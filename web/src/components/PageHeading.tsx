/* A page's h1, focused when the page opens so screen readers announce where the user is. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function PageHeading({ children, focus = true }: { children: ComponentChildren; focus?: boolean }) {
	const ref = useRef<HTMLHeadingElement>(null);
	useEffect(() => {
		if (focus && ref.current && !ref.current.closest('dialog')) ref.current.focus({ preventScroll: false });
	}, []);
	return (
		<h1 ref={ref} tabIndex={-1} class="page-title">
			{children}
		</h1>
	);
}
