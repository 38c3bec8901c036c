//! [`Desk`]: one officer's workstation over one data folder, with a function per user action.

use std::path::{Path, PathBuf};

use casedesk_domain::action::OrderAction;
use casedesk_domain::work_order::allowed_actions;
use casedesk_domain::{Catalog, Divisions, HandlingMethod, Role, Violation, WorkingCalendar};
use casedesk_store::evidence::DEFAULT_MAX_BYTES;
use casedesk_store::inbox::{InboxContext, InboxPage};
use casedesk_store::{EvidenceStore, InboxCount, InboxFilter, OutboxEntry, Store};
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};

use crate::dto::{DeskStatus, OrderDetail};
use crate::error::{AppError, ErrorCode};

/// Where "now" comes from: the system clock in Beijing time, or a fixed moment for tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(NaiveDateTime),
}

impl Clock {
    pub fn now(self) -> NaiveDateTime {
        match self {
            // China keeps UTC+8 all year, without daylight saving.
            Clock::System => (Utc::now() + Duration::hours(8)).naive_utc(),
            Clock::Fixed(t) => t,
        }
    }
}

/// Who works at this desk. Until sign-in to a hub exists, the profile is a setting of the cache.
#[derive(Debug, Clone)]
pub struct Profile {
    pub user_name: String,
    pub role: Role,
    pub county_code: String,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile {
            user_name: "张伟".into(),
            role: Role::CountyOfficer,
            county_code: "410783".into(), // 长垣市, 新乡
        }
    }
}

pub struct Desk {
    pub(crate) store: Store,
    evidence: EvidenceStore,
    pub(crate) calendar: WorkingCalendar,
    pub(crate) profile: Profile,
    data_dir: PathBuf,
    device_id: String,
    pub(crate) clock: Clock,
}

/// The cache file inside a data folder.
pub const CACHE_FILE: &str = "cache.sqlite";
/// An administrator's extension of the holiday calendar, read at start if present.
pub const CALENDAR_FILE: &str = "calendar.json";

impl Desk {
    pub fn open(data_dir: &Path) -> Result<Desk, AppError> {
        Desk::open_with_clock(data_dir, Clock::System)
    }

    pub fn open_with_clock(data_dir: &Path, clock: Clock) -> Result<Desk, AppError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            AppError::new(
                ErrorCode::Storage,
                format!("无法创建数据目录 {}：{e}", data_dir.display()),
                format!("cannot create the data folder {}: {e}", data_dir.display()),
            )
        })?;
        let store = Store::open(&data_dir.join(CACHE_FILE))?;
        let mut calendar = WorkingCalendar::embedded();
        let extension = data_dir.join(CALENDAR_FILE);
        if extension.exists() {
            let text = std::fs::read_to_string(&extension).map_err(|e| {
                AppError::invalid(
                    format!("无法读取节假日文件 {}：{e}", extension.display()),
                    format!("cannot read the holiday file {}: {e}", extension.display()),
                )
            })?;
            calendar.extend_from_json(&text).map_err(|e| {
                AppError::invalid(
                    format!("节假日文件 {} 格式有误：{e}", extension.display()),
                    format!("the holiday file {} is invalid: {e}", extension.display()),
                )
            })?;
        }
        let defaults = Profile::default();
        let profile = Profile {
            user_name: store
                .setting("profile.user_name")?
                .unwrap_or(defaults.user_name),
            role: store
                .setting("profile.role")?
                .and_then(|r| Role::from_code(&r))
                .unwrap_or(defaults.role),
            county_code: store
                .setting("profile.county_code")?
                .unwrap_or(defaults.county_code),
        };
        let device_id = store.device_id()?;
        Ok(Desk {
            store,
            evidence: EvidenceStore::open(data_dir.join("evidence"), DEFAULT_MAX_BYTES)?,
            calendar,
            profile,
            data_dir: data_dir.to_path_buf(),
            device_id,
            clock,
        })
    }

    /// Changes who works at this desk (kept in the cache).
    pub fn set_profile(&mut self, profile: Profile) -> Result<(), AppError> {
        if Divisions::embedded().county(&profile.county_code).is_none() {
            return Err(AppError::invalid(
                format!("{} 不是河南省的县区代码。", profile.county_code),
                format!("{} is not a Henan county code", profile.county_code),
            ));
        }
        self.store
            .set_setting("profile.user_name", &profile.user_name)?;
        self.store
            .set_setting("profile.role", profile.role.code())?;
        self.store
            .set_setting("profile.county_code", &profile.county_code)?;
        self.profile = profile;
        Ok(())
    }

    /// Sets the largest evidence file accepted, in bytes.
    pub fn set_evidence_limit(&mut self, max_bytes: u64) {
        self.evidence.set_max_bytes(max_bytes);
    }

    pub fn evidence_path(&self, hash: &str) -> PathBuf {
        self.evidence.path_of(hash)
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.now().date()
    }

    fn now_text(&self) -> String {
        self.clock.now().format("%Y-%m-%d %H:%M").to_string()
    }

    pub fn status(&self) -> Result<DeskStatus, AppError> {
        let (city, county) = Divisions::embedded()
            .county(&self.profile.county_code)
            .map(|(city, c)| (city.name.clone(), c.name.clone()))
            .unwrap_or_default();
        Ok(DeskStatus {
            user_name: self.profile.user_name.clone(),
            role: self.profile.role,
            county_code: self.profile.county_code.clone(),
            county_name: county,
            city_name: city,
            order_count: self.store.order_count()?,
            unsent: self.store.outbox_len()?,
            today: self.today().format("%Y-%m-%d").to_string(),
            data_dir: self.data_dir.display().to_string(),
        })
    }

    pub fn catalog(&self) -> Vec<Violation> {
        Catalog::embedded().all().to_vec()
    }

    fn inbox_context(&self) -> InboxContext<'_> {
        InboxContext {
            me: &self.profile.user_name,
            today: self.today(),
            calendar: &self.calendar,
        }
    }

    pub fn list_inbox(&self, query: &InboxFilter) -> Result<InboxPage, AppError> {
        Ok(self.store.list_inbox(query, &self.inbox_context())?)
    }

    pub fn count_inbox(&self, query: &InboxFilter) -> Result<InboxCount, AppError> {
        Ok(self.store.count_inbox(query, &self.inbox_context())?)
    }

    /// Finds an order by its number (工单号) or id, as typed on a command line.
    pub fn resolve_order(&self, key: &str) -> Result<i64, AppError> {
        Ok(self.store.resolve_order(key)?)
    }

    pub fn order(&self, id: i64) -> Result<OrderDetail, AppError> {
        let rec = self.store.order(id, self.today(), &self.calendar)?;
        let timeline = self.store.timeline(id)?;
        let mut allowed = allowed_actions(self.profile.role, rec.row.status);
        // Work on someone else's order is theirs to do; the table alone does not know who.
        if let Some(claimant) = &rec.row.claimed_by {
            if claimant != &self.profile.user_name {
                allowed.retain(|a| !casedesk_domain::work_order::needs_claimant(*a));
            }
        }
        Ok(OrderDetail {
            vehicle_whitelist_reason: rec.whitelist_reason.map(|r| r.name_zh().to_string()),
            source: rec.source,
            driver_name: rec.driver_name,
            driver_phone: rec.driver_phone,
            enterprise: rec.enterprise,
            rectification_requirement: rec.rectification_requirement,
            rectification_deadline: rec.rectification_deadline,
            transfer_to: rec.transfer_to,
            version: rec.version,
            timeline,
            allowed_actions: allowed,
            row: rec.row,
        })
    }

    fn apply(&mut self, id: i64, action: OrderAction) -> Result<OrderDetail, AppError> {
        let now = self.now_text();
        let today = self.today();
        self.store.apply_action(
            id,
            &self.profile.user_name,
            self.profile.role,
            &action,
            today,
            &now,
            &self.device_id,
        )?;
        self.order(id)
    }

    pub fn claim(&mut self, id: i64) -> Result<OrderDetail, AppError> {
        self.apply(id, OrderAction::Claim)
    }

    pub fn handle(
        &mut self,
        id: i64,
        method: HandlingMethod,
        result: &str,
        notes: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Handle {
                method,
                result: result.trim().to_string(),
                notes: notes.trim().to_string(),
            },
        )
    }

    pub fn require_rectification(
        &mut self,
        id: i64,
        requirement: &str,
        deadline: &str,
    ) -> Result<OrderDetail, AppError> {
        let deadline = NaiveDate::parse_from_str(deadline.trim(), "%Y-%m-%d").map_err(|_| {
            AppError::invalid(
                format!("整改期限“{deadline}”不是有效日期，请按 2026-12-01 的格式填写。"),
                format!("the deadline {deadline:?} is not a date like 2026-12-01"),
            )
        })?;
        self.apply(
            id,
            OrderAction::RequireRectification {
                requirement: requirement.trim().to_string(),
                deadline,
            },
        )
    }

    /// Records a rectification with evidence files copied into the evidence store. The action is
    /// checked before any file is copied, and any bad file refuses the whole record.
    pub fn record_rectification(
        &mut self,
        id: i64,
        description: &str,
        files: &[PathBuf],
    ) -> Result<OrderDetail, AppError> {
        let draft = OrderAction::RecordRectification {
            description: description.trim().to_string(),
            evidence: vec![],
        };
        self.check(id, &draft)?;
        // Each file checked before any is copied; the same bytes attached twice listed once.
        let evidence = self.evidence.import_all(files)?;
        self.apply(
            id,
            OrderAction::RecordRectification {
                description: description.trim().to_string(),
                evidence,
            },
        )
    }

    /// Decides an action without applying it, so work with side effects is not done in vain.
    fn check(&self, id: i64, action: &OrderAction) -> Result<(), AppError> {
        self.store.check_action(
            id,
            &self.profile.user_name,
            self.profile.role,
            action,
            self.today(),
        )?;
        Ok(())
    }

    pub fn submit_for_spot_check(&mut self, id: i64) -> Result<OrderDetail, AppError> {
        self.apply(id, OrderAction::SubmitForSpotCheck)
    }

    pub fn return_order(&mut self, id: i64, reason: &str) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Return {
                reason: reason.trim().to_string(),
            },
        )
    }

    pub fn transfer(
        &mut self,
        id: i64,
        to_unit: &str,
        reason: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::Transfer {
                to_unit: to_unit.trim().to_string(),
                reason: reason.trim().to_string(),
            },
        )
    }

    pub fn spot_check(
        &mut self,
        id: i64,
        passed: bool,
        notes: &str,
    ) -> Result<OrderDetail, AppError> {
        self.apply(
            id,
            OrderAction::SpotCheck {
                passed,
                notes: notes.trim().to_string(),
            },
        )
    }

    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, AppError> {
        Ok(self.store.outbox()?)
    }

    pub fn save_draft(&self, key: &str, value: &str) -> Result<(), AppError> {
        Ok(self.store.save_draft(key, value, &self.now_text())?)
    }

    pub fn load_draft(&self, key: &str) -> Result<Option<String>, AppError> {
        Ok(self.store.load_draft(key)?)
    }

    pub fn clear_draft(&self, key: &str) -> Result<(), AppError> {
        Ok(self.store.clear_draft(key)?)
    }
}

/// The data folder used when none is given: `$CASEDESK_DATA`, else `$XDG_DATA_HOME/casedesk`,
/// else `~/.local/share/casedesk`. The window and the CLI share it.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CASEDESK_DATA") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("casedesk")
}
