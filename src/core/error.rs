//! Error codes shared by every part of the library.
//!
//! JavaScript callers switch on `error.code`, never on message text; the message says what went
//! wrong for a person reading a console. Messages never contain a token or a secret.

use core::fmt;

/// The code of a [`DeskError`]. In JS it is `error.code`, a `SCREAMING_SNAKE` string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// An argument has the wrong type or value (a bad status, an empty thread uid).
    InvalidArgument,
    /// The iframe already has a live `DeskHost`: one host per iframe, until it is destroyed.
    AlreadyAttached,
    /// An origin or allowlist entry cannot be used.
    InvalidOrigin,
    /// A URL cannot be used (not http(s), has credentials, not absolute).
    InvalidUrl,
    /// A token is malformed (the message never repeats it).
    InvalidToken,
    /// A message from the other window was refused (reported through `error` events).
    InvalidMessage,
    /// The host or frame was destroyed.
    Destroyed,
    /// The command was not answered in time.
    Timeout,
    /// The command's `AbortSignal` fired.
    Aborted,
    /// The connection ended (the workstation reloaded, navigated or was removed, or the host was
    /// destroyed) after the command was sent and before its answer: it may or may not have run.
    Disconnected,
    /// The frame shows a page that is not the workstation (it navigated to another origin).
    Navigated,
    /// Too many commands are waiting for the frame to load.
    QueueFull,
    /// The workstation's handler failed; the message is the handler's.
    Rejected,
    /// The workstation has no handler for this command.
    Unhandled,
    /// Fetching a token failed.
    FetchFailed,
    /// A token fetch failed recently; the cache waits before asking again.
    RetryLater,
}

impl ErrorCode {
    /// The code as JS sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::AlreadyAttached => "ALREADY_ATTACHED",
            ErrorCode::InvalidOrigin => "INVALID_ORIGIN",
            ErrorCode::InvalidUrl => "INVALID_URL",
            ErrorCode::InvalidToken => "INVALID_TOKEN",
            ErrorCode::InvalidMessage => "INVALID_MESSAGE",
            ErrorCode::Destroyed => "DESTROYED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Aborted => "ABORTED",
            ErrorCode::Disconnected => "DISCONNECTED",
            ErrorCode::Navigated => "NAVIGATED",
            ErrorCode::QueueFull => "QUEUE_FULL",
            ErrorCode::Rejected => "REJECTED",
            ErrorCode::Unhandled => "UNHANDLED",
            ErrorCode::FetchFailed => "FETCH_FAILED",
            ErrorCode::RetryLater => "RETRY_LATER",
        }
    }
}

/// An error with a [`ErrorCode`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// What went wrong, for a person. Never contains a token.
    pub message: String,
}

impl DeskError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> DeskError {
        DeskError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl core::error::Error for DeskError {}
