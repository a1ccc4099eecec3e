import { createEffect, createResource, For, on, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate, query } from '../../lib/client'
import { Async, ErrorBox, formatTime, useAction } from '../../components/ui'
import { Link } from '../../components/Link'
import { describe, lastArrived, refreshUnread, setUnread, targetOf } from './store'

const NotificationsList = graphql(`
  query NotificationsList {
    notificationsList(first: 50) { ...NotificationFields }
  }
`)

const MarkNotificationsRead = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }
`)

export function NotificationsPage() {
  const [list, { refetch }] = createResource(() => query(NotificationsList, {}).then((d) => d.notificationsList))
  createEffect(on(lastArrived, (n) => { if (n) void refetch() }, { defer: true }))
  // an item is read once opened (or with "Mark all as read"): the badge and the marks agree
  const open = (id: string, wasUnread: boolean) => {
    if (!wasUnread) return
    mutate(MarkNotificationsRead, { ids: [id] }).then(() => refreshUnread()).catch(() => {})
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
        <button type="button" class="btn small" disabled={markAll.busy()} onClick={() => void markAll.run()}>Mark all as read</button>
      </div>
      <Show when={markAll.error()}><ErrorBox error={markAll.error()} /></Show>
      <Async resource={list} refetch={refetch} label="Loading notifications…">
        {(items) => (
          <Show when={items.length} fallback={<p class="muted">Nothing yet. Friend requests, direct messages and mentions show up here, including those that arrive while you are away.</p>}>
            <ul class="list card" aria-label="Notifications">
              <For each={items}>
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
          </Show>
        )}
      </Async>
    </section>
  )
}
