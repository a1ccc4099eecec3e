// Message bodies are Markdown (CommonMark with GitHub's strikethrough): the one parser the message
// view (features/room/MessageBody.tsx) and the one-line previews share.
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough'
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough'
import type { Nodes as MdNode } from 'mdast'

export function parseMarkdown(body: string) {
  return fromMarkdown(body, { extensions: [gfmStrikethrough()], mdastExtensions: [gfmStrikethroughFromMarkdown()] })
}

const BLOCKS = new Set(['paragraph', 'heading', 'code', 'blockquote', 'list', 'listItem', 'thematicBreak'])

/** the words of a node as the message view shows them, without the Markdown around them */
function words(n: MdNode): string {
  // blocks are apart from each other; inline pieces ("**a**b") run on
  const inner = (): string => {
    switch (n.type) {
      // code (inline or a block) as its text, raw HTML as the text it is, an image as its alt text
      case 'text': case 'inlineCode': case 'code': case 'html': return n.value
      case 'image': return n.alt || n.url
      case 'break': case 'thematicBreak': return ' '
      default:
        if ('children' in n) return n.children.map((c) => words(c as MdNode)).join('')
        return 'value' in n ? String((n as { value: unknown }).value) : ''
    }
  }
  return BLOCKS.has(n.type) ? ` ${inner()} ` : inner()
}

/** a Markdown body in one line of plain text: markers gone, links as their text, blanks collapsed */
export function plainText(body: string): string {
  return words(parseMarkdown(body)).replace(/\s+/g, ' ').trim()
}
