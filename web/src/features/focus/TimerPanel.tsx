export function TimerPanel(_props: { roomId: string }) {
  return null
}
