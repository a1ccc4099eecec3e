import type { AppResolvers } from '../../graphql/schema.js'
import { requireViewer } from '../../graphql/context.js'
import { attachmentUrl, thumbnailUrl } from './attachments.service.js'

export const attachmentsResolvers: AppResolvers = {
  Mutation: {
    setAvatar: (_, { attachmentId }, ctx) => ctx.svc.users.setAvatar(requireViewer(ctx), attachmentId ?? null),
  },
  Message: {
    attachments: (m, _, ctx) => ctx.svc.attachments.ofMessage(ctx, m),
  },
  Attachment: {
    url: (a) => attachmentUrl(a),
    thumbnailUrl: (a) => thumbnailUrl(a),
  },
  User: {
    // the thumbnail: readable by any signed-in user, as the user is
    avatarUrl: (u) => (u.avatarId ? `/uploads/${u.avatarId}/thumbnail` : null),
  },
}
