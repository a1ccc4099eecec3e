// The focus feature's GraphQL documents (shared by the timer panel and the app-wide focus store).
import { graphql } from '../../gql'

graphql(`
  fragment TimerFields on RoomTimer {
    roomId
    phase
    focusMinutes
    breakMinutes
    phaseStartedAt
    phaseEndsAt
    remainingSeconds
    serverTime
    cycle
    startedBy { id displayName }
    lastAction
    lastActionBy { id displayName }
    lastActionAt
    participants {
      user { id displayName }
      goal
      lastGoal
      goalDone
      presentSince
      minutesThisPhase
    }
  }
`)

export const RoomTimerQuery = graphql(`
  query RoomTimer($id: ID!) {
    room(id: $id) { id name timer { ...TimerFields } }
  }
`)

export const RoomTimerLive = graphql(`
  subscription RoomTimerLive($roomId: ID!) {
    roomTimer(roomId: $roomId) { ...TimerFields }
  }
`)

export const StartTimer = graphql(`
  mutation StartRoomTimer($roomId: ID!, $focusMinutes: Int, $breakMinutes: Int) {
    startRoomTimer(roomId: $roomId, focusMinutes: $focusMinutes, breakMinutes: $breakMinutes) { ...TimerFields }
  }
`)
export const PauseTimer = graphql(`
  mutation PauseRoomTimer($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ...TimerFields } }
`)
export const ResumeTimer = graphql(`
  mutation ResumeRoomTimer($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ...TimerFields } }
`)
export const StopTimer = graphql(`
  mutation StopRoomTimer($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ...TimerFields } }
`)
export const SetFocusGoal = graphql(`
  mutation SetFocusGoal($roomId: ID!, $goal: String) { setFocusGoal(roomId: $roomId, goal: $goal) { ...TimerFields } }
`)
export const SetFocusGoalDone = graphql(`
  mutation SetFocusGoalDone($roomId: ID!, $done: Boolean!) { setFocusGoalDone(roomId: $roomId, done: $done) { ...TimerFields } }
`)
export const FocusMe = graphql(`
  query FocusMe { me { id holdNotificationsWhileFocusing heldNotificationCount } }
`)
export const SetNotificationHold = graphql(`
  mutation SetNotificationHold($enabled: Boolean!) { setNotificationHold(enabled: $enabled) { id holdNotificationsWhileFocusing heldNotificationCount } }
`)
