//! [`InboxReader`]: the inbox's queries on a read-only connection of their own. The window runs
//! list and count there, so a slow count (hundreds of milliseconds for a short term on a million
//! orders) never delays an officer's action on the writing connection.

use casedesk_domain::{Role, WorkingCalendar};
use casedesk_store::inbox::{InboxContext, InboxPage};
use casedesk_store::{InboxCount, InboxFilter, Store};

use crate::desk::{Clock, Desk};
use crate::error::AppError;

pub struct InboxReader {
    pub(crate) store: Store,
    calendar: WorkingCalendar,
    me: String,
    role: Role,
    clock: Clock,
}

impl Desk {
    /// Opens a reader on this desk's cache, for the officer who works here now.
    pub fn inbox_reader(&self) -> Result<InboxReader, AppError> {
        Ok(InboxReader {
            store: Store::open_reader(self.store.path())?,
            calendar: self.calendar.clone(),
            me: self.profile.user_name.clone(),
            role: self.profile.role,
            clock: self.clock,
        })
    }
}

impl InboxReader {
    /// A second reader on the same cache, for long reads (an export) that must not hold up
    /// this one's pages.
    pub fn another(&self) -> Result<InboxReader, AppError> {
        Ok(InboxReader {
            store: Store::open_reader(self.store.path())?,
            calendar: self.calendar.clone(),
            me: self.me.clone(),
            role: self.role,
            clock: self.clock,
        })
    }

    /// Follows a change of who works at the desk (a profile switch, a sign-in): "mine" and
    /// 待我办理 are then that user's.
    pub fn follow(&mut self, desk: &Desk) {
        self.me = desk.profile.user_name.clone();
        self.role = desk.profile.role;
    }

    pub(crate) fn context(&self) -> InboxContext<'_> {
        InboxContext {
            me: &self.me,
            role: self.role,
            now: self.clock.now(),
            calendar: &self.calendar,
        }
    }

    pub fn list_inbox(&self, query: &InboxFilter) -> Result<InboxPage, AppError> {
        Ok(self.store.list_inbox(query, &self.context())?)
    }

    pub fn count_inbox(&self, query: &InboxFilter) -> Result<InboxCount, AppError> {
        Ok(self.store.count_inbox(query, &self.context())?)
    }
}
