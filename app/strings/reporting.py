"""Strings of the 填报进度 page (reporting status)."""

STRINGS: dict[str, tuple[str, str]] = {
    "nav.reporting": ("填报进度", "Reporting status"),
    "reporting.title": ("填报进度", "Reporting status"),
    "reporting.caption": (
        "各责任部门每期应报的指标（按季度或年度）和规划主要任务年度进展：截止日为期末后 {q} 天（季度）/ {y} 天（年度），"
        "可在 plantrack.toml 的 [reporting] 中设置。✓ 已报齐，× 有逾期未报，… 未报齐（未到截止日）；"
        "“·”后为审核状态（草稿 / 已提交 / 已审核）。",
        "Indicators due from each responsible department per period (quarter or year) and the "
        "yearly progress of the plans' key tasks: due {q} days (quarter) / {y} days (year) after "
        "the period ends, set in plantrack.toml [reporting]. ✓ all reported, × overdue, … not yet; "
        "after “·” the approval status (草稿 draft / 已提交 submitted / 已审核 approved).",
    ),
    "reporting.period": ("期间", "Period"),
    "reporting.metric.depts": ("{period} 已报送部门", "Departments reported {period}"),
    "reporting.metric.due": ("应报事项", "Items due"),
    "reporting.metric.reported": ("已报送", "Reported"),
    "reporting.metric.late": ("逾期未报", "Overdue"),
    "reporting.grid": ("部门 × 期间", "Department × period"),
    "reporting.grid.dept": ("部门", "Department"),
    "reporting.detail": ("{period} 未报事项", "Not reported in {period}"),
    "reporting.detail.none": ("{period} 应报事项已全部报送。", "Everything due in {period} is in."),
    "reporting.col.status": ("状态", "Status"),
    "reporting.col.item": ("编号", "Id"),
    "reporting.col.name": ("指标或任务", "Indicator or task"),
    "reporting.col.kind": ("类别", "Kind"),
    "reporting.col.due": ("截止日", "Due"),
    "reporting.kind.indicator": ("指标", "Indicator"),
    "reporting.kind.task": ("主要任务进展", "Key task progress"),
    "reporting.overview": ("{line}（填报进度）", "{line} (reporting status)"),
    "reporting.none": ("该期间没有应报事项。", "Nothing is due in this period."),
}
