//! Saved filters (常用筛选): the inbox's query under a name, for the window and the CLI; the one
//! applied last is restored when the window starts.

use casedesk_domain::text::{self, TextField};
use casedesk_store::{InboxFilter, SavedFilter};

use crate::desk::Desk;
use crate::error::AppError;

impl Desk {
    /// Every saved filter, by name.
    pub fn saved_filters(&self) -> Result<Vec<SavedFilter>, AppError> {
        Ok(self.store.saved_filters()?)
    }

    /// Saves the query under `name` (a filter of that name is replaced) and makes it the one in
    /// use. The name is a single line of at most 40 characters.
    pub fn save_filter(&self, name: &str, query: &InboxFilter) -> Result<SavedFilter, AppError> {
        let name = text::required(TextField::FilterName, name)?;
        Ok(self.store.save_filter(&name, query, &self.now_text())?)
    }

    /// Marks a saved filter as applied (restored at the next start); `None` when the user sets
    /// the filters by hand.
    pub fn use_filter(&self, name: Option<&str>) -> Result<Option<SavedFilter>, AppError> {
        Ok(self.store.use_filter(name)?)
    }

    /// The saved filter applied last, if any.
    pub fn filter_in_use(&self) -> Result<Option<SavedFilter>, AppError> {
        Ok(self.store.filter_in_use()?)
    }

    pub fn delete_filter(&self, name: &str) -> Result<(), AppError> {
        Ok(self.store.delete_filter(name)?)
    }
}
