//! # tinnhiem-server
//!
//! The meeting server: the elections and their phases (the registry and
//! state machine of [`election`], which pushes every line it writes through
//! the verifier's own [`tinnhiem_tally::Tally`]), the store ([`store`], sled
//! behind a trait), the roles ([`auth`]), the HTTP API with its OpenAPI
//! description ([`http`]), HTTPS, and the pages with the browser module,
//! embedded at build time. The minutes it serves ([`minutes`]) are the ones
//! the command line writes.
//!
//! The superior body's campaigns ([`campaign`]) gather many meetings, of
//! this server or uploaded as logs, for its officers alone (R8, R11, R12).
//!
//! The domain knows nothing of HTTP: [`election`] takes and returns plain
//! types and a [`election::DomainError`], and [`http`] maps them to routes,
//! statuses and messages in Vietnamese and English.
//!
//! One entry point starts it:
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! let server = tinnhiem_server::Server::builder()
//!     .data("./tinnhiem-data")
//!     .bind("0.0.0.0:8080".parse().expect("an address"))
//!     .build()?;
//! let listening = server.listen().await?;
//! println!("listening on {}", listening.local_addr());
//! listening.serve(tinnhiem_server::shutdown_signal()).await
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod auth;
mod builder;
pub mod campaign;
pub mod election;
pub mod html;
pub mod http;
pub mod minutes;
mod names;
pub mod store;
mod web;

pub use builder::{shutdown_signal, Builder, Listening, Server};
