//! zlc-domain: the campaign's own types and rules.
//!
//! Everything here is pure: no I/O, no async, no SQL. Requests and spreadsheet
//! rows are parsed into these types at the boundary; the rules (frequencies,
//! deadlines, sub-steps, grades) come from a [`policy::Policy`], never from
//! literals in code.

pub mod auth;
pub mod calendar;
pub mod campaign;
pub mod duty;
pub mod error;
pub mod files;
pub mod findings;
pub mod ids;
pub mod kinds;
pub mod ledger;
pub mod period;
pub mod policy;
pub mod registry;
pub mod report;
pub mod sheets;
pub mod substance;
