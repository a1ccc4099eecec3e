// Small line icons (inline SVG: no icon font, no emoji font needed). Decorative: aria-hidden.
import type { JSX } from 'solid-js'

function Icon(props: { children: JSX.Element; size?: number }) {
  return (
    <svg width={props.size ?? 20} height={props.size ?? 20} viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      {props.children}
    </svg>
  )
}
export const ChatIcon = (p: { size?: number }) => <Icon size={p.size}><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" /></Icon>
export const PeopleIcon = (p: { size?: number }) => <Icon size={p.size}><circle cx="9" cy="8" r="3.5" /><path d="M2.5 20a6.5 6.5 0 0 1 13 0" /><path d="M16 4.5a3.5 3.5 0 0 1 0 7" /><path d="M18 14.5a6.5 6.5 0 0 1 3.5 5.5" /></Icon>
export const BellIcon = (p: { size?: number }) => <Icon size={p.size}><path d="M6 9a6 6 0 0 1 12 0c0 6 2.5 8 2.5 8h-17S6 15 6 9" /><path d="M10 20a2 2 0 0 0 4 0" /></Icon>
export const BellOffIcon = (p: { size?: number }) => <Icon size={p.size}><path d="M6 9a6 6 0 0 1 9.5-4.9M18 9c0 6 2.5 8 2.5 8H7" /><path d="M10 20a2 2 0 0 0 4 0" /><path d="M3 3l18 18" /></Icon>
export const ChartIcon = (p: { size?: number }) => <Icon size={p.size}><path d="M4 20V10M10 20V4M16 20v-7M22 20H2" /></Icon>
export const PersonIcon = (p: { size?: number }) => <Icon size={p.size}><circle cx="12" cy="8" r="4" /><path d="M4 21a8 8 0 0 1 16 0" /></Icon>
export const PaperclipIcon = (p: { size?: number }) => <Icon size={p.size}><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9" /></Icon>
