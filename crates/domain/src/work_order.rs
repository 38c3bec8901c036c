//! The work-order state machine: one table of allowed transitions per role.
//!
//! Every action on a work order, on the desk or (later) on the hub, goes through
//! [`crate::lifecycle::apply`], which asks [`next_status`] first. The table is the single
//! source of truth; [`allowed_actions`] is derived from it so the UI can never offer an action
//! the table refuses.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

use crate::clock::ClockOwner;
use crate::text::TextError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Status {
    /// 待认领: the officer's handling clock runs.
    Pending,
    /// 已认领
    Claimed,
    /// 已处置: the officer submits, requires a rectification or closes as groundless.
    Handled,
    /// 待抄告反馈: another authority was notified and its feedback is awaited.
    AwaitingFeedback,
    /// 整改中: the enterprise's rectification deadline runs.
    Rectifying,
    /// 已整改: a rectification is recorded; the officer submits it.
    Rectified,
    /// 待抽查: the supervisor's spot-check clock runs.
    Submitted,
    /// 抽查退回: failed its spot check; a new rectification must be recorded.
    Rework,
    /// 已退回: returned by the officer; the supervisor reassigns it.
    Returned,
    /// 已办结
    Closed,
    /// 已转办
    Transferred,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Pending,
        Status::Claimed,
        Status::Handled,
        Status::AwaitingFeedback,
        Status::Rectifying,
        Status::Rectified,
        Status::Submitted,
        Status::Rework,
        Status::Returned,
        Status::Closed,
        Status::Transferred,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Claimed => "claimed",
            Status::Handled => "handled",
            Status::AwaitingFeedback => "awaiting_feedback",
            Status::Rectifying => "rectifying",
            Status::Rectified => "rectified",
            Status::Submitted => "submitted",
            Status::Rework => "rework",
            Status::Returned => "returned",
            Status::Closed => "closed",
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
            Status::AwaitingFeedback => "待抄告反馈",
            Status::Rectifying => "整改中",
            Status::Rectified => "已整改",
            Status::Submitted => "待抽查",
            Status::Rework => "抽查退回",
            Status::Returned => "已退回",
            Status::Closed => "已办结",
            Status::Transferred => "已转办",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Claimed => "claimed",
            Status::Handled => "handled",
            Status::AwaitingFeedback => "awaiting feedback",
            Status::Rectifying => "rectifying",
            Status::Rectified => "rectified",
            Status::Submitted => "awaiting spot check",
            Status::Rework => "rework",
            Status::Returned => "returned",
            Status::Closed => "closed",
            Status::Transferred => "transferred",
        }
    }

    /// Orders in these states no longer change and run no clock.
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

    /// The clock a desk of this role answers to (its 待我办理, "waiting for me"): a county
    /// officer's is the officer's clock, a supervisor's the supervisor's. Other roles run none.
    /// An officer's clock of an order a colleague claimed is the colleague's, not this desk's
    /// ([`Role::waits_for`]).
    pub fn own_clock(self) -> Option<ClockOwner> {
        match self {
            Role::CountyOfficer => Some(ClockOwner::Officer),
            Role::Supervisor => Some(ClockOwner::Supervisor),
            Role::DeskStaff | Role::Administrator => None,
        }
    }

    /// Whether an order whose running clock is `owner` (claimed by `claimed_by`) waits for the
    /// user `me` of this role: the one rule of 待我办理 and of which clocks the window colours.
    pub fn waits_for(self, owner: Option<ClockOwner>, claimed_by: Option<&str>, me: &str) -> bool {
        match (self.own_clock(), owner) {
            (Some(mine), Some(running)) if mine == running => {
                running != ClockOwner::Officer || claimed_by.is_none_or(|c| c == me)
            }
            _ => false,
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::DeskStaff => "permit desk staff",
            Role::CountyOfficer => "county officer",
            Role::Supervisor => "supervisor",
            Role::Administrator => "administrator",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionKind {
    /// 认领
    Claim,
    /// 处置 (phone warning, fine, education; may be recorded more than once)
    Handle,
    /// 布控拦截, with its outcome
    Intercept,
    /// 抄告: notice to another authority, whose feedback is then awaited
    NotifyAuthority,
    /// 抄告反馈
    RecordFeedback,
    /// 核查无违法: closed by the officer with the finding
    CloseGroundless,
    /// 下达整改要求 with a deadline
    RequireRectification,
    /// 记录整改 with evidence (append-only, may repeat)
    RecordRectification,
    /// 提交抽查
    SubmitForSpotCheck,
    /// 退回, with a reason from the list
    Return,
    /// 转办
    Transfer,
    /// 抽查通过 → 办结
    SpotCheckPass,
    /// 抽查不通过 → 抽查退回 (rework)
    SpotCheckFail,
    /// 改派: a supervisor sends a returned order to a county (the same or another)
    Reassign,
    /// 白名单车辆仍布控: a supervisor orders interception of a whitelisted vehicle, in writing
    OverrideWhitelist,
}

impl ActionKind {
    pub const ALL: [ActionKind; 15] = [
        ActionKind::Claim,
        ActionKind::Handle,
        ActionKind::Intercept,
        ActionKind::NotifyAuthority,
        ActionKind::RecordFeedback,
        ActionKind::CloseGroundless,
        ActionKind::RequireRectification,
        ActionKind::RecordRectification,
        ActionKind::SubmitForSpotCheck,
        ActionKind::Return,
        ActionKind::Transfer,
        ActionKind::SpotCheckPass,
        ActionKind::SpotCheckFail,
        ActionKind::Reassign,
        ActionKind::OverrideWhitelist,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Claim => "claim",
            ActionKind::Handle => "handle",
            ActionKind::Intercept => "intercept",
            ActionKind::NotifyAuthority => "notify_authority",
            ActionKind::RecordFeedback => "record_feedback",
            ActionKind::CloseGroundless => "close_groundless",
            ActionKind::RequireRectification => "require_rectification",
            ActionKind::RecordRectification => "record_rectification",
            ActionKind::SubmitForSpotCheck => "submit_for_spot_check",
            ActionKind::Return => "return",
            ActionKind::Transfer => "transfer",
            ActionKind::SpotCheckPass => "spot_check_pass",
            ActionKind::SpotCheckFail => "spot_check_fail",
            ActionKind::Reassign => "reassign",
            ActionKind::OverrideWhitelist => "override_whitelist",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ActionKind::Claim => "认领",
            ActionKind::Handle => "处置",
            ActionKind::Intercept => "布控拦截",
            ActionKind::NotifyAuthority => "抄告",
            ActionKind::RecordFeedback => "记录抄告反馈",
            ActionKind::CloseGroundless => "核查无违法办结",
            ActionKind::RequireRectification => "下达整改要求",
            ActionKind::RecordRectification => "记录整改",
            ActionKind::SubmitForSpotCheck => "提交抽查",
            ActionKind::Return => "退回",
            ActionKind::Transfer => "转办",
            ActionKind::SpotCheckPass => "抽查通过",
            ActionKind::SpotCheckFail => "抽查不通过",
            ActionKind::Reassign => "改派",
            ActionKind::OverrideWhitelist => "白名单车辆仍布控",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ActionKind::Claim => "claim",
            ActionKind::Handle => "handle",
            ActionKind::Intercept => "record an interception",
            ActionKind::NotifyAuthority => "notify another authority",
            ActionKind::RecordFeedback => "record the authority's feedback",
            ActionKind::CloseGroundless => "close as groundless",
            ActionKind::RequireRectification => "require rectification",
            ActionKind::RecordRectification => "record rectification",
            ActionKind::SubmitForSpotCheck => "submit for spot check",
            ActionKind::Return => "return",
            ActionKind::Transfer => "transfer",
            ActionKind::SpotCheckPass => "pass spot check",
            ActionKind::SpotCheckFail => "fail spot check",
            ActionKind::Reassign => "reassign",
            ActionKind::OverrideWhitelist => "order interception of a whitelisted vehicle",
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
    (R::CountyOfficer, S::Claimed, A::Handle, S::Handled),
    (R::CountyOfficer, S::Handled, A::Handle, S::Handled),
    (R::CountyOfficer, S::Rework, A::Handle, S::Rework),
    (R::CountyOfficer, S::Claimed, A::Intercept, S::Handled),
    (R::CountyOfficer, S::Handled, A::Intercept, S::Handled),
    (
        R::CountyOfficer,
        S::Claimed,
        A::NotifyAuthority,
        S::AwaitingFeedback,
    ),
    (
        R::CountyOfficer,
        S::Handled,
        A::NotifyAuthority,
        S::AwaitingFeedback,
    ),
    (
        R::CountyOfficer,
        S::AwaitingFeedback,
        A::RecordFeedback,
        S::Handled,
    ),
    (R::CountyOfficer, S::Claimed, A::CloseGroundless, S::Closed),
    (R::CountyOfficer, S::Handled, A::CloseGroundless, S::Closed),
    (
        R::CountyOfficer,
        S::Handled,
        A::RequireRectification,
        S::Rectifying,
    ),
    (
        R::CountyOfficer,
        S::Rectified,
        A::RequireRectification,
        S::Rectifying,
    ),
    (
        R::CountyOfficer,
        S::Rework,
        A::RequireRectification,
        S::Rectifying,
    ),
    (
        R::CountyOfficer,
        S::Handled,
        A::RecordRectification,
        S::Rectified,
    ),
    (
        R::CountyOfficer,
        S::Rectifying,
        A::RecordRectification,
        S::Rectified,
    ),
    (
        R::CountyOfficer,
        S::Rectified,
        A::RecordRectification,
        S::Rectified,
    ),
    (
        R::CountyOfficer,
        S::Rework,
        A::RecordRectification,
        S::Rectified,
    ),
    (
        R::CountyOfficer,
        S::Handled,
        A::SubmitForSpotCheck,
        S::Submitted,
    ),
    (
        R::CountyOfficer,
        S::Rectified,
        A::SubmitForSpotCheck,
        S::Submitted,
    ),
    (R::CountyOfficer, S::Pending, A::Return, S::Returned),
    (R::CountyOfficer, S::Claimed, A::Return, S::Returned),
    (R::CountyOfficer, S::Pending, A::Transfer, S::Transferred),
    (R::CountyOfficer, S::Claimed, A::Transfer, S::Transferred),
    (R::CountyOfficer, S::Handled, A::Transfer, S::Transferred),
    // Supervisors spot-check, close, send back for rework, reassign and redirect.
    (R::Supervisor, S::Submitted, A::SpotCheckPass, S::Closed),
    (R::Supervisor, S::Submitted, A::SpotCheckFail, S::Rework),
    (R::Supervisor, S::Returned, A::Reassign, S::Pending),
    (R::Supervisor, S::Pending, A::OverrideWhitelist, S::Pending),
    (R::Supervisor, S::Claimed, A::OverrideWhitelist, S::Claimed),
    (R::Supervisor, S::Handled, A::OverrideWhitelist, S::Handled),
    (R::Supervisor, S::Pending, A::Transfer, S::Transferred),
    (R::Supervisor, S::Claimed, A::Transfer, S::Transferred),
    (R::Supervisor, S::Handled, A::Transfer, S::Transferred),
    (R::Supervisor, S::Rectifying, A::Transfer, S::Transferred),
    (R::Supervisor, S::Returned, A::Transfer, S::Transferred),
];

/// Why an action on a work order is refused. Each variant carries what the user needs to know;
/// the window and the CLI word it from the variant's fields, in either language.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("\"{}\" is not open to a {} while the order is {}", action.name_en(), role.name_en(), from.name_en())]
    NotAllowed {
        role: Role,
        from: Status,
        action: ActionKind,
    },
    #[error("the work order is claimed by {claimant}, not by {actor}")]
    NotClaimant { claimant: String, actor: String },
    #[error(
        "the work order belongs to county {order_county}, outside the jurisdiction {actor_county}"
    )]
    OutsideJurisdiction {
        order_county: String,
        actor_county: String,
    },
    #[error("vehicle {plate} is whitelisted ({}); interception is refused unless a supervisor orders it in writing", kind.name_en())]
    Whitelisted {
        plate: String,
        kind: crate::whitelist::WhitelistKind,
    },
    #[error("vehicle {plate} is not whitelisted; no override is needed")]
    NotWhitelisted { plate: String },
    #[error("{0}")]
    Text(#[from] TextError),
    #[error("the date {date} is before today ({today})")]
    DateInPast { date: String, today: String },
    #[error("the date {date} is more than two years ahead (latest {latest})")]
    DateTooFar { date: String, latest: String },
    #[error("a rectification must be recorded before the order is submitted")]
    NoRectificationRecorded,
    #[error("{method} is recorded with its own action")]
    MethodHasOwnAction { method: &'static str },
    #[error("{code} is not a county of Henan")]
    UnknownCounty { code: String },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_waits_for_the_desk_whose_clock_runs() {
        use ClockOwner as O;
        let officer = Role::CountyOfficer;
        assert!(
            officer.waits_for(Some(O::Officer), None, "张伟"),
            "unclaimed"
        );
        assert!(
            officer.waits_for(Some(O::Officer), Some("张伟"), "张伟"),
            "my claim"
        );
        assert!(
            !officer.waits_for(Some(O::Officer), Some("李娜"), "张伟"),
            "a colleague's"
        );
        assert!(!officer.waits_for(Some(O::Enterprise), None, "张伟"));
        assert!(!officer.waits_for(Some(O::Supervisor), None, "张伟"));
        assert!(!officer.waits_for(None, None, "张伟"), "finished");
        let sup = Role::Supervisor;
        assert!(sup.waits_for(Some(O::Supervisor), Some("李娜"), "王主任"));
        assert!(!sup.waits_for(Some(O::Officer), None, "王主任"));
        assert!(!Role::DeskStaff.waits_for(Some(O::Officer), None, "x"));
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

    #[test]
    fn finished_orders_accept_nothing_and_desk_staff_nothing_at_all() {
        for role in Role::ALL {
            assert!(allowed_actions(role, S::Closed).is_empty());
            assert!(allowed_actions(role, S::Transferred).is_empty());
        }
        for s in Status::ALL {
            assert!(allowed_actions(R::DeskStaff, s).is_empty());
            assert!(allowed_actions(R::Administrator, s).is_empty());
        }
    }

    #[test]
    fn refusals_read_as_english_not_as_rust_names() {
        let e = next_status(R::CountyOfficer, S::Submitted, A::SpotCheckPass).expect_err("no");
        assert_eq!(
            e.to_string(),
            "\"pass spot check\" is not open to a county officer while the order is awaiting spot check"
        );
    }
}
