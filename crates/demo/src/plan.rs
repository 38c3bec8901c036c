//! The history that brings a demo order to its state: a status by the order's age (the mix
//! echoes the seed's closure rate), the actions of its clue category's path that lead there,
//! and a moment for each, never after the demo's "now".

use casedesk_domain::action::OrderAction;
use casedesk_domain::whitelist::WhitelistKind;
use casedesk_domain::{
    HandlingMethod, HandlingPath, HistoryStep, InterceptionOutcome, ReturnReason, Role, Status,
};
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::Rng;

use crate::names::{pick, Names};

/// Older orders are further along; the mix echoes the seed's closure rate (~97%).
pub(crate) fn demo_status(rng: &mut StdRng, age_days: i64) -> Status {
    let r = rng.gen_range(0..100);
    match age_days {
        0..=2 => match r {
            0..=54 => Status::Pending,
            55..=79 => Status::Claimed,
            80..=94 => Status::Handled,
            _ => Status::AwaitingFeedback,
        },
        3..=14 => match r {
            0..=9 => Status::Pending,
            10..=24 => Status::Claimed,
            25..=39 => Status::Handled,
            40..=44 => Status::AwaitingFeedback,
            45..=59 => Status::Rectifying,
            60..=64 => Status::Rectified,
            65..=76 => Status::Submitted,
            77..=79 => Status::Rework,
            80..=94 => Status::Closed,
            95..=97 => Status::Returned,
            _ => Status::Transferred,
        },
        // Past the longest deadline almost everything is closed; a few stragglers stay overdue.
        _ => match rng.gen_range(0..1000) {
            0..=4 => Status::Pending,
            5..=9 => Status::Claimed,
            10..=19 => Status::Rectifying,
            20..=29 => Status::Submitted,
            30..=34 => Status::Returned,
            35..=64 => Status::Transferred,
            _ => Status::Closed,
        },
    }
}

/// Who takes a planned step.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum By {
    Officer,
    Supervisor,
}

/// The actions that bring an order to `status` along its clue category's path.
pub(crate) fn demo_plan(
    rng: &mut StdRng,
    status: Status,
    path: HandlingPath,
    whitelisted: bool,
    names: &Names,
) -> Vec<(By, OrderAction)> {
    use By::{Officer as O, Supervisor as S};
    let mut out = Vec::new();
    match status {
        Status::Pending => return out,
        Status::Returned => {
            let code = *pick(rng, &ReturnReason::ALL);
            out.push((
                O,
                OrderAction::Return {
                    reason_code: code,
                    reason: if code == ReturnReason::Other {
                        "车辆已报废注销".into()
                    } else {
                        String::new()
                    },
                },
            ));
            return out;
        }
        _ => {}
    }
    out.push((O, OrderAction::Claim));
    if status == Status::Claimed {
        return out;
    }
    if status == Status::Transferred {
        out.push((
            O,
            OrderAction::Transfer {
                to_unit: pick(rng, &names.unit_names).clone(),
                reason: "涉及其他部门职责，按规定转办".into(),
            },
        ));
        return out;
    }
    // The category's path: intervene (intercept or warn), notify another authority, or educate.
    let mut groundless = false;
    match path {
        HandlingPath::Intervention if !whitelisted && rng.gen_bool(0.5) => {
            let outcome = match rng.gen_range(0..100) {
                0..=59 => InterceptionOutcome::ViolationFound,
                60..=84 => InterceptionOutcome::NothingFound,
                _ => InterceptionOutcome::VehicleNotFound,
            };
            groundless = outcome != InterceptionOutcome::ViolationFound;
            out.push((
                O,
                OrderAction::Intercept {
                    outcome,
                    notes: String::new(),
                },
            ));
        }
        HandlingPath::Notice => {
            out.push((
                O,
                OrderAction::NotifyAuthority {
                    authority: pick(rng, &names.unit_names).clone(),
                    content: "经核查该车存在违法违规线索，请依职责处理并反馈".into(),
                    feedback_due: None,
                },
            ));
            if status == Status::AwaitingFeedback {
                return out;
            }
            out.push((
                O,
                OrderAction::RecordFeedback {
                    feedback: "已立案调查，依法处理".into(),
                },
            ));
        }
        _ => out.push((
            O,
            OrderAction::Handle {
                method: if path == HandlingPath::Intervention {
                    HandlingMethod::PhoneWarning
                } else {
                    HandlingMethod::Education
                },
                result: if path == HandlingPath::Intervention {
                    "已电话联系驾驶员，责令立即纠正".into()
                } else {
                    "已约谈企业安全负责人并开展警示教育".into()
                },
                notes: String::new(),
            },
        )),
    }
    if status == Status::Handled || status == Status::AwaitingFeedback {
        return out;
    }
    if groundless && status == Status::Closed {
        out.push((
            O,
            OrderAction::CloseGroundless {
                finding: "现场核查未发现违法行为，线索不属实".into(),
            },
        ));
        return out;
    }
    out.push((
        O,
        OrderAction::RequireRectification {
            requirement: "企业对涉事驾驶员开展安全教育，并提交培训记录和动态监控整改说明".into(),
            // Replaced by a date after the step's moment when the history is timed.
            deadline: chrono::NaiveDate::MIN,
        },
    ));
    if status == Status::Rectifying {
        return out;
    }
    let rectify = OrderAction::RecordRectification {
        description: "企业已完成驾驶员安全教育培训，监控人员已调整".into(),
        evidence: Vec::new(),
    };
    out.push((O, rectify.clone()));
    if status == Status::Rectified {
        return out;
    }
    out.push((O, OrderAction::SubmitForSpotCheck));
    if status == Status::Submitted {
        return out;
    }
    if status == Status::Rework || rng.gen_bool(0.09) {
        out.push((
            S,
            OrderAction::SpotCheck {
                passed: false,
                notes: "整改证据不完整，请补充".into(),
            },
        ));
        if status == Status::Rework {
            return out;
        }
        out.push((O, rectify));
        out.push((O, OrderAction::SubmitForSpotCheck));
    }
    out.push((
        S,
        OrderAction::SpotCheck {
            passed: true,
            notes: String::new(),
        },
    ));
    out
}

/// Gives each planned step a moment after the last; a step that would lie in the future is
/// not taken (the order stays where it got to).
#[allow(clippy::too_many_arguments)]
pub(crate) fn timed(
    rng: &mut StdRng,
    plan: Vec<(By, OrderAction)>,
    urgent: bool,
    detected: NaiveDateTime,
    now: NaiveDateTime,
    officer: &str,
    supervisor: &str,
    county: &str,
    whitelist: Option<WhitelistKind>,
) -> Vec<HistoryStep> {
    let mut at = detected;
    let mut out = Vec::with_capacity(plan.len());
    for (i, (by, mut action)) in plan.into_iter().enumerate() {
        // A real-time alarm is claimed and acted on within minutes; the rest within days.
        let gap = if urgent && i < 2 { 3..90 } else { 20..1500 };
        at += Duration::minutes(rng.gen_range(gap));
        if at > now {
            break;
        }
        if let OrderAction::RequireRectification { deadline, .. } = &mut action {
            *deadline = at.date() + Duration::days(14);
        }
        let (role, actor) = match by {
            By::Officer => (Role::CountyOfficer, officer),
            By::Supervisor => (Role::Supervisor, supervisor),
        };
        out.push(HistoryStep {
            at,
            role,
            actor: actor.to_string(),
            county_code: county.to_string(),
            action,
            whitelist,
        });
    }
    out
}
