//! CaseDesk's sync hub: the authority the desks sync with. It logs users in (argon2id,
//! database-held rate limits, short access tokens and rotating refresh tokens), applies the
//! desks' mutations at most once each with the domain's own rules (`lifecycle::apply`,
//! `whitelist::decide`) under the user's role and jurisdiction, numbers every change for
//! checkpointed pulls, turns the provincial platform's alarms into work orders (ingest), and
//! keeps a hash-chained audit log. It stores everything in SQLite (one
//! file, the default) or PostgreSQL behind one trait, [`storage::HubStore`], and keeps nothing
//! in memory that another instance would need.

pub mod api;
pub mod attention;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod csv;
pub mod demo;
pub mod evidence;
pub mod ingest;
pub mod jurisdiction;
pub mod permit;
pub mod proposal;
pub mod pull;
pub mod push;
pub mod storage;

pub use api::{app, app_with_evidence, openapi, HubConfig};
pub use storage::HubStore;
