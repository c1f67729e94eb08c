//! The API suite: every test starts the real server on a fresh database.
//! Run with ZLC_TEST_DB=postgres (and ZLC_TEST_PG_URL) for PostgreSQL.

mod admin;
mod auth;
mod calendar;
mod campaign;
mod duty;
mod findings;
mod helpers;
mod office;
mod office_words;
mod races;
mod registry;
mod security;
mod web;
