//! The permit desk's rules (大件运输, DOMAIN.md case 7), pure and without I/O: the over-limit
//! test of article 3 of 超限运输车辆行驶公路管理规定 (2016 No. 62) ([`limits`]), permit classes
//! and statutory time limits of article 15 ([`class`]), the decision and one-time-notice clocks
//! in working days ([`deadline`]), the materials each class and track needs ([`materials`]),
//! credit fast-track eligibility and the dishonest-enterprise list ([`eligibility`]), and the
//! daily random sample with its commitment ([`sample`]), the remote review's checklist
//! ([`checklist`]) and the review decision with its one-time notice lines ([`review`]). The numbers of the regulation are
//! data in `assets/permit/`, embedded, each file naming its source.

pub mod checklist;
pub mod class;
pub mod deadline;
pub mod eligibility;
pub mod limits;
pub mod material_file;
pub mod materials;
pub mod pause;
pub mod review;
pub mod sample;
pub mod vehicle;

pub use checklist::{checklist, notice_lines, Checklist, ChecklistItem, NoticeLine, NoticeSource};
pub use class::{class_table, classify, ClassRow, ClassTable, Classification, PermitClass, Route};
pub use deadline::{
    acceptance, decision_clock, notice_due, Acceptance, DeadlineError, DecisionClock, Intake,
    Pause, PauseReason,
};
pub use eligibility::{
    check_penalties, fast_track_refusals, AdministrativePenalty, CarrierRecord, FastTrackRefusal,
    ListEntry, ListEntryError, ListPenalty, PenaltyRecordError,
};
pub use limits::{limits, over_limit, Exceedance, LimitError, Limits, MassLimit, OverLimit};
pub use material_file::{
    accepted_kinds, MaterialFileKind, MAX_MATERIAL_BYTES, MAX_SUBMISSION_BYTES,
};
pub use materials::{missing, required, Material, Track, Trips};
pub use pause::{
    apply_clock_action, open_pause, ClockAction, ClockActionError, PAUSE_ACTION, RESUME_ACTION,
};
pub use review::{
    check_draft, check_review, ItemMark, PinnedNote, Review, ReviewDraft, ReviewError, Verdict,
};
pub use sample::{
    check_committed_in_time, commitment, draw, verify, Candidate, Draw, OnTop, OnTopReason,
    SampleError,
};
pub use vehicle::{
    parse_kilograms, parse_metres, Configuration, Declared, Measure, Vehicle, VehicleError,
};
