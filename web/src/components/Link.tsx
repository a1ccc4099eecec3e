import { type JSX, splitProps } from 'solid-js'
import { navigate } from '../lib/router'

/** An ordinary <a> that navigates in-page; modified clicks (new tab, …) keep browser behaviour. */
export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const [local, rest] = splitProps(props, ['href', 'onClick'])
  return (
    <a
      {...rest}
      href={local.href}
      onClick={(e) => {
        if (typeof local.onClick === 'function') local.onClick(e)
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(local.href)
      }}
    />
  )
}
