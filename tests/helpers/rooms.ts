import { ok } from './client.js'

export const CREATE_ROOM = `mutation($input: CreateRoomInput!) { createRoom(input: $input) { id code name kind viewerRole memberCount } }`
export const JOIN_BY_CODE = `mutation($code: String!) { joinRoom(code: $code) { id viewerIsMember } }`
export const JOIN_BY_ID = `mutation($roomId: ID!) { joinRoom(roomId: $roomId) { id viewerIsMember } }`
export const SEND = `mutation($roomId: ID!, $body: String!, $clientId: String) { sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { id seq body clientId createdAt sender { id } } }`
export const MESSAGE_ADDED = `subscription($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { id seq body sender { id } } }`
export const MESSAGE_EVENTS = `subscription($roomId: ID!, $after: Int) { messageEvents(roomId: $roomId, after: $after) { seq kind message { id seq body deletedAt editedAt } } }`

export async function createRoom(url: string, token: string, name = 'Room', kind: 'PUBLIC' | 'PRIVATE' = 'PUBLIC') {
  const d = await ok(url, CREATE_ROOM, { input: { name, kind } }, token)
  return d.createRoom as { id: string; code: string; name: string; kind: string }
}

export async function joinByCode(url: string, token: string, code: string) {
  return (await ok(url, JOIN_BY_CODE, { code }, token)).joinRoom
}

export async function send(url: string, token: string, roomId: string, body: string, clientId?: string) {
  return (await ok(url, SEND, { roomId, body, clientId }, token)).sendMessage as { id: string; seq: number; body: string; clientId: string | null }
}
