//! [`Desk`]: the shared context of one workstation over one data folder: the cache, the
//! evidence store, the rule data, who works here and the clock. The services are grouped by
//! concern in their own modules (`work_orders`, `whitelist`, `demo`), each an `impl Desk`.

use std::path::{Path, PathBuf};

use casedesk_domain::lifecycle::Actor;
use casedesk_domain::text::{self, TextField};
use casedesk_domain::{Catalog, Divisions, Role, Violation, WorkingCalendar};
use casedesk_store::evidence::DEFAULT_MAX_BYTES;
use casedesk_store::inbox::{InboxContext, InboxPage};
use casedesk_store::{EvidenceStore, InboxCount, InboxFilter, OutboxEntry, Rules, Store};
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};

use crate::dto::DeskStatus;
use crate::error::{AppError, ErrorCode};
use crate::message::MessageKey;
use crate::rules::{load_calendar, load_catalog};

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
    pub(crate) evidence: EvidenceStore,
    pub(crate) calendar: WorkingCalendar,
    pub(crate) catalog: Catalog,
    pub(crate) profile: Profile,
    pub(crate) data_dir: PathBuf,
    pub(crate) device_id: String,
    /// Where the hub's tokens are kept (crate `casedesk-sync`).
    pub(crate) tokens: casedesk_sync::TokenStore,
    pub(crate) clock: Clock,
    /// The evidence upload under way, for the 同步 page.
    pub(crate) progress: crate::upload::SyncProgress,
}

/// The cache file inside a data folder.
pub const CACHE_FILE: &str = "cache.sqlite";

impl Desk {
    pub fn open(data_dir: &Path) -> Result<Desk, AppError> {
        Desk::open_with_clock(data_dir, Clock::System)
    }

    pub fn open_with_clock(data_dir: &Path, clock: Clock) -> Result<Desk, AppError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            AppError::new(ErrorCode::Storage, MessageKey::DataFolderFailed)
                .with("path", data_dir.display().to_string())
                .with("detail", e.to_string())
        })?;
        let store = Store::open(&data_dir.join(CACHE_FILE))?;
        let calendar = load_calendar(data_dir)?;
        let catalog = load_catalog(data_dir)?;
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
            catalog,
            profile,
            data_dir: data_dir.to_path_buf(),
            tokens: casedesk_sync::TokenStore::from_env(data_dir),
            device_id,
            clock,
            progress: Default::default(),
        })
    }

    /// Another desk on the same data folder with its own connection to the cache, for the
    /// background sync ([`crate::AutoSync`]): the network never holds up this one. It shares
    /// the catalog, calendar and token store, and does not clear the evidence folder's `tmp/`
    /// as opening does (a copy may be under way).
    pub fn another_connection(&self) -> Result<Desk, AppError> {
        Ok(Desk {
            store: Store::open(&self.data_dir.join(CACHE_FILE))?,
            evidence: self.evidence.clone(),
            calendar: self.calendar.clone(),
            catalog: self.catalog.clone(),
            profile: self.profile.clone(),
            data_dir: self.data_dir.clone(),
            device_id: self.device_id.clone(),
            tokens: self.tokens.clone(),
            clock: self.clock,
            // The same handle: the 同步 page follows an upload whichever desk runs the sync.
            progress: self.progress.clone(),
        })
    }

    /// Changes who works at this desk (kept in the cache).
    pub fn set_profile(&mut self, profile: Profile) -> Result<(), AppError> {
        let user_name = text::required(TextField::UserName, &profile.user_name)?;
        if Divisions::embedded().county(&profile.county_code).is_none() {
            return Err(AppError::invalid(MessageKey::UnknownCounty)
                .with("county_code", profile.county_code));
        }
        self.store.set_setting("profile.user_name", &user_name)?;
        self.store
            .set_setting("profile.role", profile.role.code())?;
        self.store
            .set_setting("profile.county_code", &profile.county_code)?;
        self.profile = Profile {
            user_name,
            ..profile
        };
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

    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    pub(crate) fn now_text(&self) -> String {
        self.now().format("%Y-%m-%d %H:%M").to_string()
    }

    /// The person at this desk, as the rules see them.
    pub(crate) fn actor(&self) -> Actor<'_> {
        Actor {
            role: self.profile.role,
            name: &self.profile.user_name,
            county_code: &self.profile.county_code,
        }
    }

    pub(crate) fn rules(&self) -> Rules<'_> {
        Rules {
            calendar: &self.calendar,
            catalog: &self.catalog,
        }
    }

    pub fn status(&self) -> Result<DeskStatus, AppError> {
        let (city, county) = Divisions::embedded()
            .county(&self.profile.county_code)
            .map(|(city, c)| (city.name.clone(), c.name.clone()))
            .unwrap_or_default();
        Ok(DeskStatus {
            user_name: self.profile.user_name.clone(),
            role: self.profile.role,
            rights: self.profile.role.rights(),
            county_code: self.profile.county_code.clone(),
            county_name: county,
            city_name: city,
            order_count: self.store.order_count()?,
            running_alarms: self.store.running_alarm_count()?,
            unsent: self.store.unsent_len()?,
            today: self.today().format("%Y-%m-%d").to_string(),
            data_dir: self.data_dir.display().to_string(),
        })
    }

    pub fn catalog(&self) -> Vec<Violation> {
        self.catalog.all().to_vec()
    }

    pub(crate) fn inbox_context(&self) -> InboxContext<'_> {
        InboxContext {
            me: &self.profile.user_name,
            role: self.profile.role,
            now: self.now(),
            calendar: &self.calendar,
        }
    }

    pub fn list_inbox(&self, query: &InboxFilter) -> Result<InboxPage, AppError> {
        Ok(self.store.list_inbox(query, &self.inbox_context())?)
    }

    pub fn count_inbox(&self, query: &InboxFilter) -> Result<InboxCount, AppError> {
        Ok(self.store.count_inbox(query, &self.inbox_context())?)
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
