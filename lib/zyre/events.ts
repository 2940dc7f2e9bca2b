// The events a Zyre node reports, as one discriminated union on `type`.

interface PeerEvent {
  /** The peer's UUID as 32 uppercase hex characters. */
  peer: string
  /** The peer's name (from its HELLO). */
  name: string
}

export interface EnterEvent extends PeerEvent {
  type: 'ENTER'
  headers: Map<string, string>
  /** The endpoint the peer advertised, e.g. tcp://192.168.1.5:49152. */
  address: string
}
export interface ExitEvent extends PeerEvent { type: 'EXIT' }
export interface JoinEvent extends PeerEvent { type: 'JOIN'; group: string }
export interface LeaveEvent extends PeerEvent { type: 'LEAVE'; group: string }
export interface WhisperEvent extends PeerEvent { type: 'WHISPER'; content: Buffer[] }
export interface ShoutEvent extends PeerEvent { type: 'SHOUT'; group: string; content: Buffer[] }
export interface EvasiveEvent extends PeerEvent { type: 'EVASIVE' }
export interface SilentEvent extends PeerEvent { type: 'SILENT' }
/** An election in `group` finished: `peer` is its leader (our own id when we won). */
export interface LeaderEvent extends PeerEvent { type: 'LEADER'; group: string }
export interface StopEvent { type: 'STOP' }

export type ZyreEvent =
  | EnterEvent
  | ExitEvent
  | JoinEvent
  | LeaveEvent
  | WhisperEvent
  | ShoutEvent
  | EvasiveEvent
  | SilentEvent
  | LeaderEvent
  | StopEvent

export type ZyreEventType = ZyreEvent['type']
