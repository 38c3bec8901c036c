//! The work-order state machine: one table of allowed transitions per role.
//!
//! Every action on a work order, on the desk or (later) on the hub, asks [`next_status`] first.
//! The table is the single source of truth; [`allowed_actions`] is derived from it so the UI can
//! never offer an action the table refuses.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Status {
    /// 待认领
    Pending,
    /// 已认领
    Claimed,
    /// 已处置
    Handled,
    /// 整改中
    Rectifying,
    /// 待抽查
    Submitted,
    /// 已办结
    Closed,
    /// 已退回
    Returned,
    /// 已转办
    Transferred,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pending,
        Status::Claimed,
        Status::Handled,
        Status::Rectifying,
        Status::Submitted,
        Status::Closed,
        Status::Returned,
        Status::Transferred,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Claimed => "claimed",
            Status::Handled => "handled",
            Status::Rectifying => "rectifying",
            Status::Submitted => "submitted",
            Status::Closed => "closed",
            Status::Returned => "returned",
            Status::Transferred => "transferred",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Status::Pending => "待认领",
            Status::Claimed => "已认领",
            Status::Handled => "已处置",
            Status::Rectifying => "整改中",
            Status::Submitted => "待抽查",
            Status::Closed => "已办结",
            Status::Returned => "已退回",
            Status::Transferred => "已转办",
        }
    }

    /// Orders in these states no longer count against a deadline.
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Closed | Status::Transferred)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// 大件运输申报服务点工作人员
    DeskStaff,
    /// 县区执法/运管人员
    CountyOfficer,
    /// 监管负责人
    Supervisor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::DeskStaff,
        Role::CountyOfficer,
        Role::Supervisor,
        Role::Administrator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::DeskStaff => "desk_staff",
            Role::CountyOfficer => "county_officer",
            Role::Supervisor => "supervisor",
            Role::Administrator => "administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::DeskStaff => "服务点工作人员",
            Role::CountyOfficer => "县区执法人员",
            Role::Supervisor => "监管负责人",
            Role::Administrator => "系统管理员",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionKind {
    /// 认领
    Claim,
    /// 处置 (may be recorded more than once)
    Handle,
    /// 下达整改要求 with a deadline
    RequireRectification,
    /// 记录整改 with evidence (append-only, may repeat)
    RecordRectification,
    /// 提交抽查
    SubmitForSpotCheck,
    /// 退回
    Return,
    /// 转办
    Transfer,
    /// 抽查通过 → 办结
    SpotCheckPass,
    /// 抽查不通过 → 退回整改
    SpotCheckFail,
}

impl ActionKind {
    pub const ALL: [ActionKind; 9] = [
        ActionKind::Claim,
        ActionKind::Handle,
        ActionKind::RequireRectification,
        ActionKind::RecordRectification,
        ActionKind::SubmitForSpotCheck,
        ActionKind::Return,
        ActionKind::Transfer,
        ActionKind::SpotCheckPass,
        ActionKind::SpotCheckFail,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Claim => "claim",
            ActionKind::Handle => "handle",
            ActionKind::RequireRectification => "require_rectification",
            ActionKind::RecordRectification => "record_rectification",
            ActionKind::SubmitForSpotCheck => "submit_for_spot_check",
            ActionKind::Return => "return",
            ActionKind::Transfer => "transfer",
            ActionKind::SpotCheckPass => "spot_check_pass",
            ActionKind::SpotCheckFail => "spot_check_fail",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ActionKind::Claim => "认领",
            ActionKind::Handle => "处置",
            ActionKind::RequireRectification => "下达整改要求",
            ActionKind::RecordRectification => "记录整改",
            ActionKind::SubmitForSpotCheck => "提交抽查",
            ActionKind::Return => "退回",
            ActionKind::Transfer => "转办",
            ActionKind::SpotCheckPass => "抽查通过",
            ActionKind::SpotCheckFail => "抽查不通过",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ActionKind::Claim => "claim",
            ActionKind::Handle => "handle",
            ActionKind::RequireRectification => "require rectification",
            ActionKind::RecordRectification => "record rectification",
            ActionKind::SubmitForSpotCheck => "submit for spot check",
            ActionKind::Return => "return",
            ActionKind::Transfer => "transfer",
            ActionKind::SpotCheckPass => "pass spot check",
            ActionKind::SpotCheckFail => "fail spot check",
        }
    }
}

/// Where the platform detected the clue: 事中 (in-trip, real time) or 事后 (after the fact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClueSource {
    InTrip,
    AfterFact,
}

impl ClueSource {
    pub fn code(self) -> &'static str {
        match self {
            ClueSource::InTrip => "in_trip",
            ClueSource::AfterFact => "after_fact",
        }
    }

    pub fn from_code(code: &str) -> Option<ClueSource> {
        [ClueSource::InTrip, ClueSource::AfterFact]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

use ActionKind as A;
use Role as R;
use Status as S;

/// The allowed transitions: (role, from, action, to). Anything not listed is refused.
pub const TRANSITIONS: &[(Role, Status, ActionKind, Status)] = &[
    // County officers work the order from claim to submission.
    (R::CountyOfficer, S::Pending, A::Claim, S::Claimed),
    (R::CountyOfficer, S::Returned, A::Claim, S::Claimed),
    (R::CountyOfficer, S::Claimed, A::Handle, S::Handled),
    (R::CountyOfficer, S::Handled, A::Handle, S::Handled),
    (
        R::CountyOfficer,
        S::Handled,
        A::RequireRectification,
        S::Rectifying,
    ),
    (
        R::CountyOfficer,
        S::Handled,
        A::RecordRectification,
        S::Rectifying,
    ),
    (
        R::CountyOfficer,
        S::Rectifying,
        A::RecordRectification,
        S::Rectifying,
    ),
    (
        R::CountyOfficer,
        S::Handled,
        A::SubmitForSpotCheck,
        S::Submitted,
    ),
    (
        R::CountyOfficer,
        S::Rectifying,
        A::SubmitForSpotCheck,
        S::Submitted,
    ),
    (R::CountyOfficer, S::Pending, A::Return, S::Returned),
    (R::CountyOfficer, S::Claimed, A::Return, S::Returned),
    (R::CountyOfficer, S::Pending, A::Transfer, S::Transferred),
    (R::CountyOfficer, S::Claimed, A::Transfer, S::Transferred),
    (R::CountyOfficer, S::Handled, A::Transfer, S::Transferred),
    // Supervisors spot-check, close, return for rework and redirect.
    (R::Supervisor, S::Submitted, A::SpotCheckPass, S::Closed),
    (R::Supervisor, S::Submitted, A::SpotCheckFail, S::Returned),
    (R::Supervisor, S::Submitted, A::Return, S::Returned),
    (R::Supervisor, S::Pending, A::Transfer, S::Transferred),
    (R::Supervisor, S::Claimed, A::Transfer, S::Transferred),
    (R::Supervisor, S::Handled, A::Transfer, S::Transferred),
    (R::Supervisor, S::Rectifying, A::Transfer, S::Transferred),
];

/// Why an action on a work order is refused. Each variant carries what the user needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("{role:?} may not {action:?} a work order that is {from:?}")]
    NotAllowed {
        role: Role,
        from: Status,
        action: ActionKind,
    },
    #[error("the work order is claimed by {claimant}, not by {actor}")]
    NotClaimant { claimant: String, actor: String },
    #[error("vehicle {plate} is whitelisted ({reason}); interception is refused")]
    Whitelisted { plate: String, reason: String },
    #[error("a reason is required to {action:?}")]
    ReasonRequired { action: ActionKind },
    #[error("the rectification deadline {deadline} is before today ({today})")]
    DeadlineInPast { deadline: String, today: String },
    #[error("a rectification was required but none has been recorded")]
    NoRectificationRecorded,
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
}

/// The state an action leads to, or why it is refused.
pub fn next_status(
    role: Role,
    from: Status,
    action: ActionKind,
) -> Result<Status, TransitionError> {
    TRANSITIONS
        .iter()
        .find(|(r, f, a, _)| *r == role && *f == from && *a == action)
        .map(|(_, _, _, to)| *to)
        .ok_or(TransitionError::NotAllowed { role, from, action })
}

/// The actions the table allows a role in a state, in table order.
pub fn allowed_actions(role: Role, from: Status) -> Vec<ActionKind> {
    let mut out = Vec::new();
    for (r, f, a, _) in TRANSITIONS {
        if *r == role && *f == from && !out.contains(a) {
            out.push(*a);
        }
    }
    out
}

/// Actions that only the officer who claimed the order may take.
pub fn needs_claimant(action: ActionKind) -> bool {
    matches!(
        action,
        A::Handle | A::RequireRectification | A::RecordRectification | A::SubmitForSpotCheck
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path_reaches_closed() {
        let mut s = S::Pending;
        for a in [
            A::Claim,
            A::Handle,
            A::RecordRectification,
            A::SubmitForSpotCheck,
        ] {
            s = next_status(R::CountyOfficer, s, a).expect("officer step");
        }
        assert_eq!(s, S::Submitted);
        s = next_status(R::Supervisor, s, A::SpotCheckPass).expect("supervisor step");
        assert_eq!(s, S::Closed);
    }

    #[test]
    fn closed_orders_accept_nothing() {
        for role in Role::ALL {
            assert!(allowed_actions(role, S::Closed).is_empty());
            assert!(allowed_actions(role, S::Transferred).is_empty());
        }
    }

    #[test]
    fn officers_cannot_close_and_supervisors_cannot_claim() {
        assert_eq!(
            next_status(R::CountyOfficer, S::Submitted, A::SpotCheckPass),
            Err(TransitionError::NotAllowed {
                role: R::CountyOfficer,
                from: S::Submitted,
                action: A::SpotCheckPass
            })
        );
        assert!(next_status(R::Supervisor, S::Pending, A::Claim).is_err());
        assert!(allowed_actions(R::DeskStaff, S::Pending).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for a in ActionKind::ALL {
            assert_eq!(ActionKind::from_code(a.code()), Some(a));
        }
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }
    fn any_action() -> impl Strategy<Value = ActionKind> {
        prop::sample::select(ActionKind::ALL.to_vec())
    }

    proptest! {
        /// No sequence of actions, by any roles, reaches a state or takes a step the table
        /// does not allow: every accepted step is a row of the table, every refused one leaves
        /// the state unchanged.
        #[test]
        fn no_sequence_escapes_the_table(steps in prop::collection::vec((any_role(), any_action()), 0..60)) {
            let mut s = S::Pending;
            let reachable: Vec<Status> = TRANSITIONS.iter().map(|t| t.3).chain([S::Pending]).collect();
            for (role, action) in steps {
                match next_status(role, s, action) {
                    Ok(to) => {
                        prop_assert!(TRANSITIONS.contains(&(role, s, action, to)));
                        prop_assert!(allowed_actions(role, s).contains(&action));
                        s = to;
                    }
                    Err(TransitionError::NotAllowed { role: r, from, action: a }) => {
                        prop_assert_eq!((r, from, a), (role, s, action));
                        prop_assert!(!allowed_actions(role, s).contains(&action));
                    }
                    Err(other) => prop_assert!(false, "unexpected error {other}"),
                }
                prop_assert!(reachable.contains(&s));
            }
        }

        /// Finished orders stay finished whatever anyone does.
        #[test]
        fn finished_is_final(steps in prop::collection::vec((any_role(), any_action()), 0..30)) {
            for start in [S::Closed, S::Transferred] {
                let mut s = start;
                for (role, action) in &steps {
                    if let Ok(to) = next_status(*role, s, *action) { s = to; }
                }
                prop_assert_eq!(s, start);
            }
        }
    }
}
