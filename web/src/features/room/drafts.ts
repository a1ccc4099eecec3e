// What the viewer has typed but not sent, per room, for the life of the tab: switching rooms
// builds a new composer, and the text waits here until the room is shown again or it is sent.
// Kept by user too, so signing in as someone else in the same tab shows them none of it.
const drafts = new Map<string, string>()

const keyOf = (userId: string, roomId: string) => `${userId}:${roomId}`

export function draftOf(userId: string, roomId: string): string {
  return drafts.get(keyOf(userId, roomId)) ?? ''
}

export function keepDraft(userId: string, roomId: string, text: string) {
  if (text.trim()) drafts.set(keyOf(userId, roomId), text)
  else drafts.delete(keyOf(userId, roomId))
}
