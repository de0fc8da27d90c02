//! Purpose: (being written on the schedule branch)

/// Placeholder replaced by the schedule module.
pub fn schedule_command_lines(
    _tz: &str,
    _at: Option<&str>,
    _days: Option<&str>,
    _cron: Option<&str>,
    _from: &str,
    _count: usize,
) -> Result<Vec<String>, crate::domain::calendar::ValueError> {
    Err(crate::domain::calendar::ValueError("not built yet".into()))
}
