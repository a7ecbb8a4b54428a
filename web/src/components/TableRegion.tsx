/* A table that scrolls sideways on its own: inside a region that the keyboard can reach and that
 * the table's caption names (axe: scrollable-region-focusable). */
import type { ComponentChildren } from 'preact';

interface Props {
	/* The caption's id is `${id}-caption`. */
	id: string;
	caption: ComponentChildren;
	tableClass: string;
	tableId?: string;
	/* Whether the caption is for screen readers only (the page's heading says it already). */
	hiddenCaption?: boolean;
	children: ComponentChildren;
}

export function TableRegion({ id, caption, tableClass, tableId, hiddenCaption = true, children }: Props) {
	return (
		<div class="table-wrap" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
			<table class={tableClass} id={tableId}>
				<caption id={`${id}-caption`} class={hiddenCaption ? 'visually-hidden' : undefined}>
					{caption}
				</caption>
				{children}
			</table>
		</div>
	);
}
