//! zlc-app: the use cases of zlc, below the HTTP handlers and the command
//! line and called alike by both: importing and exporting the seeds' tables,
//! the statistics and the notice (通报), setting up accounts and a database.
//!
//! A use case takes the [`App`] (the store with the active policy and
//! calendar), already-checked values and the caller's scope; it answers
//! with [`AppError`], which the server turns into an HTTP answer and the
//! command line into a message. Permissions and sessions are the callers'.

pub mod accounts;
pub mod clock;
pub mod duty;
pub mod error;
pub mod exchange;
pub mod reports;
pub mod settings;
pub mod setup;

pub use error::{AppError, AppResult};

use std::sync::{Arc, RwLock};
use zlc_domain::calendar::WorkCalendar;
use zlc_domain::policy::Policy;
use zlc_store::Store;

/// What every use case runs with: the store, the active policy and
/// working-day calendar (both replaced while running when an administrator
/// changes them), the upload limits and the import gate.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// The active policy, parsed once and replaced when a new one is activated.
    pub policy: Arc<RwLock<Arc<Policy>>>,
    /// The working-day calendar: the shipped one with the years edited on the 系统 page.
    pub calendar: Arc<RwLock<Arc<WorkCalendar>>>,
    pub uploads: Arc<settings::Uploads>,
    /// One import at a time per account, and few at once on the server.
    pub imports: Arc<exchange::ImportGate>,
}

impl App {
    pub fn new(
        store: Store,
        policy: Policy,
        calendar: WorkCalendar,
        uploads: settings::Uploads,
    ) -> Self {
        App {
            store,
            policy: Arc::new(RwLock::new(Arc::new(policy))),
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            imports: Arc::new(exchange::ImportGate::new(uploads.imports_at_once)),
            uploads: Arc::new(uploads),
        }
    }

    pub fn policy(&self) -> Arc<Policy> {
        match self.policy.read() {
            Ok(p) => p.clone(),
            // A writer panicked mid-swap; the Arc inside is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn set_policy(&self, p: Policy) {
        let mut guard = match self.policy.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(p);
    }

    pub fn calendar(&self) -> Arc<WorkCalendar> {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn set_calendar(&self, c: WorkCalendar) {
        let mut guard = match self.calendar.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(c);
    }
}
