export function CallPanel(_props: { roomId: string }) {
  return null
}
