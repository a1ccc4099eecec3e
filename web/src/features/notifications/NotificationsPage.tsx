import { createEffect, createResource, createSignal, For, on, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate, query } from '../../lib/client'
import { Async, ErrorBox, formatTime, useAction } from '../../components/ui'
import { Link } from '../../components/Link'
import { AlertSettings } from '../shell/AlertSettings'
import { refreshSoon } from '../shell/conversations'
import { describe, lastArrived, refreshUnread, setUnread, targetOf } from './store'

const PAGE = 50
const NotificationsList = graphql(`
  query NotificationsList {
    notificationsList(first: 50) { ...NotificationFields }
  }
`)

const OlderNotifications = graphql(`
  query OlderNotifications($before: ID!) {
    notificationsList(first: 50, before: $before) { ...NotificationFields }
  }
`)

const MarkNotificationsRead = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }
`)

export function NotificationsPage() {
  // the newest page, and the older pages shown with "Show older notifications" (dropped when the
  // newest page is read again: a new arrival moves the pages' boundary)
  const [older, setOlder] = createSignal<NonNullable<ReturnType<typeof list>>>([])
  const [olderLeft, setOlderLeft] = createSignal<boolean | null>(null)
  const [list, { refetch: refetchNewest }] = createResource(() => query(NotificationsList, {}).then((d) => { setOlder([]); setOlderLeft(null); return d.notificationsList }))
  const refetch = () => refetchNewest()
  createEffect(on(lastArrived, (n) => { if (n) void refetch() }, { defer: true }))
  const showOlder = useAction(async () => {
    const shown = [...(list() ?? []), ...older()]
    const last = shown[shown.length - 1]
    if (!last) return
    const page = (await query(OlderNotifications, { before: last.id })).notificationsList
    setOlder([...older(), ...page])
    setOlderLeft(page.length === PAGE)
  })
  // an item is read once opened (or with "Mark all as read"): the badge and the marks agree
  const open = (id: string, wasUnread: boolean) => {
    if (!wasUnread) return
    mutate(MarkNotificationsRead, { ids: [id] }).then(() => { refreshSoon(0); return refreshUnread() }).catch(() => {})
  }
  const markAll = useAction(async () => {
    await mutate(MarkNotificationsRead, {})
    setUnread(0)
    await refetch()
  })
  return (
    <section class="page narrow">
      <div class="row wrap">
        <h1 class="grow">Notifications</h1>
        <button type="button" class="btn small" aria-disabled={markAll.busy()} onClick={() => void markAll.run()}>Mark all as read</button>
      </div>
      <Show when={markAll.error()}><ErrorBox error={markAll.error()} /></Show>
      <AlertSettings />
      <Async resource={list} refetch={refetch} label="Loading notifications…">
        {(items) => (
          <Show when={items.length} fallback={<p class="muted">Nothing yet. Friend requests, direct messages and mentions show up here, including those that arrive while you are away.</p>}>
            <ul class="list card" aria-label="Notifications">
              <For each={[...items, ...older()]}>
                {(n) => (
                  <li class={`list-row notification ${n.readAt ? '' : 'unread'}`}>
                    <Show when={!n.readAt}><span class="unread-mark" role="img" aria-label="unread" /></Show>
                    <div class="grow">
                      <p class="notification-text"><Link href={targetOf(n)} onClick={() => open(n.id, !n.readAt)}>{describe(n)}</Link></p>
                      <p class="muted small">{formatTime(n.createdAt)}</p>
                    </div>
                  </li>
                )}
              </For>
            </ul>
            <Show when={olderLeft() ?? items.length === PAGE}>
              <div class="row">
                <button type="button" class="btn small" aria-disabled={showOlder.busy()} onClick={() => void showOlder.run()}>
                  {showOlder.busy() ? 'Loading older notifications…' : 'Show older notifications'}
                </button>
              </div>
            </Show>
            <Show when={showOlder.error()}><ErrorBox error={showOlder.error()} /></Show>
          </Show>
        )}
      </Async>
    </section>
  )
}
