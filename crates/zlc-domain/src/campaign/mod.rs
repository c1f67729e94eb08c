//! The campaign core (活动): plans (计划), activity records and their filing
//! (活动记录·报备), and the life cycle of the problems they find (问题整改).
//!
//! Every rule reads its numbers from the [`Policy`](crate::policy::Policy):
//! kinds and modes, required sub-steps, callbacks, durations, filing and
//! rectification deadlines, cluster thresholds.

pub mod activity;
pub mod plan;
pub mod problem;

pub use activity::{
    ActivityFacts, ActivityStatus, Blocker, CallbackFacts, FilingCheck, filing_check,
};
pub use plan::{
    ClusterKind, ClusterWarning, HalfDay, Place, PlanFacts, PlanStatus, check_plan,
    cluster_warnings, plan_outcome,
};
pub use problem::{
    ProblemAction, ProblemState, TransitionError, allowed_actions, apply, is_overdue, new_problem,
};
