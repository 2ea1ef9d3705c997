//! TypeScript declarations that wasm-bindgen cannot derive: string unions, the event maps and
//! the typed `on()` overloads of `DeskHost` and `DeskFrame`. The shared types are in every
//! build; each side's own are only in the builds that have that side.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** The statuses a host may ask for. Events may report others (AWAY, REST, ...). */
export type AgentStatus = 'AVAILABLE' | 'BUSY' | 'OFFLINE';

/** Thread types the seeds name; servers may send others. */
export type ThreadType = 'AGENT' | 'WORKGROUP' | 'ROBOT' | 'MEMBER' | 'GROUP';

/** The visitor or colleague on the other end of a thread. Unknown fields are kept. */
export interface ThreadUser {
  uid?: string;
  nickname?: string;
  avatar?: string;
  [key: string]: unknown;
}

/** A conversation as the workstation reports it. Only `uid` is required; unknown fields are kept. */
export interface Thread {
  uid: string;
  topic?: string;
  type?: ThreadType | (string & {});
  user?: ThreadUser;
  content?: string;
  createdAt?: string | number;
  [key: string]: unknown;
}

/** `data` of each workstation event, by event name. */
export interface DeskEventDataMap {
  unread_message_count: { totalUnreadCount: number; unreadThreads: Thread[] };
  new_visitor_message: { thread: Thread };
  agent_status_changed: { status: AgentStatus | (string & {}); agentInfo?: Record<string, unknown> };
  thread_status_changed: { thread: Thread; action: string };
}

/** Names of the four workstation events. */
export type DeskEventType = keyof DeskEventDataMap;

/** A workstation envelope exactly as received. */
export interface DeskEnvelope<K extends DeskEventType = DeskEventType> {
  type: K;
  data: DeskEventDataMap[K];
  timestamp: number;
  source: 'bytedesk-desktop';
}

/** Error codes of `DeskError`. */
export type DeskErrorCode =
  | 'INVALID_ARGUMENT' | 'ALREADY_ATTACHED' | 'INVALID_ORIGIN' | 'INVALID_URL' | 'INVALID_TOKEN'
  | 'INVALID_MESSAGE'
  | 'DESTROYED' | 'TIMEOUT' | 'ABORTED' | 'DISCONNECTED' | 'NAVIGATED' | 'QUEUE_FULL'
  | 'REJECTED' | 'UNHANDLED' | 'FETCH_FAILED' | 'RETRY_LATER';

/** Every error deskbridge throws or rejects with: an `Error` named `DeskError` with a `code`. */
export interface DeskError extends Error {
  name: 'DeskError';
  code: DeskErrorCode;
}
"#;

/// What both sides' `on()` returns, in builds that have a side.
#[cfg(any(feature = "host", feature = "frame"))]
#[wasm_bindgen(typescript_custom_section)]
const SUBSCRIPTION_TYPES: &'static str = r#"
/** What `on()` returns: call `off()` to stop receiving. Dropping it does not unsubscribe. */
export interface Subscription {
  /** Stop calling this callback. Safe to call more than once, and after `destroy()`. */
  off(): void;
}
"#;

/// The declarations of the host side, in builds that have `DeskHost`.
#[cfg(feature = "host")]
#[wasm_bindgen(typescript_custom_section)]
const HOST_TYPES: &'static str = r#"
/**
 * `data` of a `DeskHost` `token_expiring` event. Unlike the claims, times here are in
 * milliseconds, like `Date.now()`.
 */
export interface TokenExpiring {
  /** When the token expires (its `exp`), in ms since the epoch. */
  expiresAt: number;
  /** Milliseconds from the event to `expiresAt` (about `tokenWarning`). */
  msLeft: number;
}

/** What `DeskHost.on` callbacks receive, by name: `(data, envelope)`. */
export interface DeskHostEventMap {
  unread_message_count: [DeskEventDataMap['unread_message_count'], DeskEnvelope<'unread_message_count'>];
  new_visitor_message: [DeskEventDataMap['new_visitor_message'], DeskEnvelope<'new_visitor_message'>];
  agent_status_changed: [DeskEventDataMap['agent_status_changed'], DeskEnvelope<'agent_status_changed'>];
  thread_status_changed: [DeskEventDataMap['thread_status_changed'], DeskEnvelope<'thread_status_changed'>];
  ready: [{ protocol: number }, undefined];
  disconnected: [{ reason: 'reload' | 'unload' | 'removed' }, undefined];
  error: [DeskError, undefined];
  token_expiring: [TokenExpiring, undefined];
}

/** Names `DeskHost.on` accepts. */
export type DeskHostEventName = keyof DeskHostEventMap;

/** Options of `DeskHost.attach`. */
export interface AttachOptions {
  /** The workstation's origin; defaults to the origin of `iframe.src`. */
  origin?: string;
  /** How long to wait for a deskbridge workstation's handshake before treating it as a base-protocol one (ms, default 3000). */
  handshakeTimeout?: number;
  /** Default time a command may take (ms, default 15000). */
  commandTimeout?: number;
  /** Most commands queued while the frame loads (default 100). */
  queueLimit?: number;
  /** How long before the token's expiry `token_expiring` fires (ms, default 300000). */
  tokenWarning?: number;
  /** Move to a `MessageChannel` port after the handshake when the workstation runs deskbridge too (default true); `false` keeps to window messages. */
  messageChannel?: boolean;
}

/** Options of `DeskHost.create`: where the workstation is and how to sign in, plus those of `attach`. */
export interface CreateOptions extends Omit<AttachOptions, 'origin'> {
  /** The Bytedesk server, such as `https://desk.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** The agent's access token; required for the `agent` and `admin` entries. */
  accessToken?: string;
  /** Which application to open (default `agent`). */
  entry?: 'agent' | 'admin' | 'desktop';
  /** CSS width (default `100%`); a number means pixels. */
  width?: string | number;
  /** CSS height (default `600px`); a number means pixels. */
  height?: string | number;
  /** The iframe's accessible title (default `Agent workstation`). */
  title?: string;
}

/** Options of each command. */
export interface CommandOptions {
  /** Time limit in ms, from the call to settlement. */
  timeout?: number;
  /** Aborting rejects the command with `ABORTED`; a queued command is then never sent. */
  signal?: AbortSignal;
}

export interface DeskHost {
  /** Listen to a workstation event or a lifecycle event; `off()` the result to stop. */
  on<K extends DeskHostEventName>(type: K, listener: (...args: DeskHostEventMap[K]) => void): Subscription;
}
"#;

/// The declarations of the workstation side, in builds that have `DeskFrame`.
#[cfg(feature = "frame")]
#[wasm_bindgen(typescript_custom_section)]
const FRAME_TYPES: &'static str = r#"
/** A host → workstation command as it travels. */
export interface DeskCommandMessage {
  type: string;
  data?: Record<string, unknown>;
  id?: number;
}

/** What `DeskFrame.on` handlers receive, by name. */
export interface DeskFrameCommandMap {
  update_agent_status: [{ status: AgentStatus }, DeskCommandMessage];
  refresh_threads: [{}, DeskCommandMessage];
  clear_unread_count: [{ threadUid: string }, DeskCommandMessage];
  error: [DeskError, undefined];
}

/** Names `DeskFrame.on` accepts. */
export type DeskFrameCommandName = keyof DeskFrameCommandMap;

/** Options of `DeskFrame.connect`. */
export interface DeskFrameOptions {
  /** Parent origins this workstation trusts: exact origins, or opt-in `https://*.example.com` patterns. */
  allowedOrigins: string[] | string;
  /** Hand a deskbridge host a `MessageChannel` port when it asks (default true); `false` keeps to window messages. */
  messageChannel?: boolean;
}

export interface DeskFrame {
  /** Handle a host command (a handler may return a Promise), or listen to `error`. */
  on<K extends DeskFrameCommandName>(type: K, handler: (...args: DeskFrameCommandMap[K]) => unknown): Subscription;
}
"#;
