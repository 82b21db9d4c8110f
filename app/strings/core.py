"""Strings of the core pages (overview, indicator, departments, frame)."""

from plantrack.assess.rules import GrowthClass, Verdict

# Verdict words as methods.md writes them → English. The key is the Chinese word itself.
_VERDICTS_EN = {
    Verdict.EARLY: "Achieved early",
    Verdict.MET: "Achieved",
    Verdict.FAST: "Ahead of schedule",
    Verdict.ON_TRACK: "On schedule",
    Verdict.LAGGING: "Lagging",
    Verdict.REVERSE: "Moving away",
    Verdict.MISSED: "Not achieved",
    Verdict.NOT_KEPT: "No longer met",
    Verdict.NA: "Cannot assess",
    Verdict.REL_MET: "Meets reference",
    Verdict.REL_MISSED: "Below reference",
    Verdict.DONE: "Done",
    Verdict.DONE_LATE: "Done late",
    Verdict.PENDING: "In progress",
    Verdict.OVERDUE: "Overdue",
    Verdict.MONITOR: "Monitoring",
}
_GROWTH_EN = {
    GrowthClass.ACHIEVED: "Target achieved",
    GrowthClass.ON_TRACK: "On track",
    GrowthClass.ACCELERATE: "Acceleration needed",
    GrowthClass.LIMITED: "Limited progress",
    GrowthClass.DETERIORATION: "Deterioration",
}

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("规划指标监测平台", "PlanTrack — plan target monitoring"),
    "nav.section.monitor": ("监测", "Monitoring"),
    "nav.overview": ("总览", "Overview"),
    "nav.indicator": ("指标详情", "Indicator"),
    "nav.departments": ("按牵头部门", "By department"),
    "nav.tasks": ("任务与里程碑", "Tasks and milestones"),
    "nav.upload": ("数据上报", "Upload data"),
    "nav.report": ("评估报告", "Assessment report"),
    "nav.section.data": ("数据", "Data"),
    "nav.section.evaluate": ("评估", "Evaluation"),
    "lang.label": ("语言 / Language", "语言 / Language"),
    "demo.banner": (
        "示例数据（模拟，非官方统计）：当前打开的是自动生成的示例数据库，所有数值均为虚构，仅供试用。",
        "Demo data (synthetic, not official statistics): every figure here is invented for trial use.",
    ),
    "period.month": ("{year}年{month}月", "{year}-{month:02d}"),
    "period.quarter": ("{year}年{q}季度", "{year} Q{q}"),
    "period.quarters": ("一二三四", "1234"),
    "period.year": ("{year}年", "{year}"),
    "source.demo": (
        "数据来源：示例数据库（模拟数据）",
        "Data source: demo database (synthetic data)",
    ),
    "source.db": ("数据来源：数据库 {where}", "Data source: database {where}"),
    "error.config": ("配置文件有误，系统无法启动：", "The configuration has errors:"),
    "error.store": ("数据库无法打开：", "The database cannot be opened:"),
    # as-of date and plan filter
    "asof.label": ("评估基准日", "As-of date"),
    "asof.mid": ("中期 2023-12-31", "Mid-term 2023-12-31"),
    "asof.final": ("终期 2025-12-31", "Final 2025-12-31"),
    "asof.today": ("今天", "Today"),
    "plan.all": ("全部规划", "All plans"),
    "plan.label": ("规划", "Plan"),
    # table columns
    "col.light": ("灯", "Light"),
    "col.name": ("指标", "Indicator"),
    "col.verdict": ("评价", "Verdict"),
    "col.latest": ("现状值", "Latest"),
    "col.period": ("数据期", "Period"),
    "col.target": ("目标值", "Target"),
    "col.completion": ("完成进度", "Completion"),
    "col.completion.help": (
        "（现状值 − 基期值）/（目标值 − 基期值）；竖线为时序进度",
        "(latest − baseline) / (target − baseline); the mark is the time share",
    ),
    "col.time_share": ("时序进度", "Time share"),
    "col.lead": ("牵头部门", "Lead department"),
    "col.attribute": ("属性", "Attribute"),
    "col.baseline": ("基期值", "Baseline"),
    "col.reason": ("说明", "Note"),
    "col.name.help": (
        "点击指标名在新标签页打开详情；勾选一行则在本页打开",
        "Click a name to open it in a new tab; tick a row to open it here",
    ),
    "col.growth": ("年均增速", "Annual growth"),
    "col.growth.help": (
        "按有利方向计的年均复合增长率（methods.md §2）",
        "Compound annual growth, signed so that positive is the good direction (methods.md §2)",
    ),
    "col.trend": ("趋势", "Trend"),
    "col.value": ("数值", "Value"),
    "col.revision": ("修订次数", "Revision"),
    "col.source": ("来源", "Source"),
    "col.state": ("状态", "State"),
    "col.recorded_at": ("录入时间", "Recorded"),
    "col.user": ("填报人", "By"),
    "col.file": ("文件", "File"),
    "col.rank": ("排名", "Rank"),
    "col.diff": ("与{whole}之差", "Minus district"),
    "col.area_code": ("地区代码", "Area code"),
    # overview
    "overview.counts": ("评价分布", "Verdicts"),
    "overview.none": ("所选规划没有可评价的指标。", "No assessed indicator in this plan."),
    "overview.attention": ("需关注", "Needs attention"),
    "overview.attention.none": (
        "没有逆向或滞后的指标。",
        "No indicator is lagging or moving away.",
    ),
    "overview.attention.caption": (
        "共 {n} 项：逆向在前，其次未实现、逾期、滞后；同类中约束性在前。点击指标名查看详情。",
        "{n} items: moving away first, then missed, overdue, lagging; binding before "
        "indicative. Click a name for details.",
    ),
    "overview.attention.line": (
        "{attribute} · 牵头：{lead} · 现状 {latest}（{period}）· 目标 {target}",
        "{attribute} · lead: {lead} · latest {latest} ({period}) · target {target}",
    ),
    "overview.attention.milestone": (
        "{attribute} · 牵头：{lead} · {target}",
        "{attribute} · lead: {lead} · {target}",
    ),
    "target.deadline": ("{date} 前完成", "Done by {date}"),
    "overview.attention.more": ("另有 {n} 项", "{n} more"),
    "overview.scorecard": ("指标一览", "Scorecard"),
    "overview.caption": (
        "条形为完成进度 =（现状值 − 基期值）/（目标值 − 基期值），竖线为时序进度 = 已过时间 / 规划期；"
        "条形的颜色和边框区分灯色（实线 绿、虚线 黄、点线 红）。点击条形或表格中的一行打开该指标。",
        "Bars: completion = (latest − baseline) / (target − baseline); the mark is the time "
        "share = elapsed / plan period; colour and outline tell the light (solid green, dashed "
        "yellow, dotted red). Click a bar "
        "or a table row to open the indicator.",
    ),
    "overview.charts_per_plan": (
        "共 {n} 个规划：此处只列表格，在上方“规划”中选择一个规划即显示其进度条形图。",
        "{n} plans: tables only here; choose a plan under “Plan” above to see its progress chart.",
    ),
    "overview.monitors": (
        "监测指标（无目标值，只看趋势）· {n} 项",
        "Monitoring indicators (no target, trend only) · {n}",
    ),
    "overview.monitors.caption": (
        "监测指标不参与评价分布；趋势按年均增速分档：≥1.5% 进展顺利，0.5%–1.5% 需加快，0–0.5% 进展有限，<0 恶化。",
        "Not counted in the verdicts. Trend by annual growth: ≥1.5% on track, 0.5–1.5% "
        "acceleration needed, 0–0.5% limited, <0 deterioration.",
    ),
    "verdict.help.green": ("绿灯：已实现或进度符合预期", "Green: achieved or on schedule"),
    "verdict.help.yellow": (
        "黄灯：滞后，但差距在 30 个百分点以内",
        "Yellow: lagging, within 30 points",
    ),
    "verdict.help.red": (
        "红灯：逆向、未实现、逾期或严重滞后",
        "Red: moving away, missed, overdue or far behind",
    ),
    "verdict.help.grey": ("灰：无法评估或尚在进行", "Grey: cannot assess, or in progress"),
    "light.green": ("绿灯", "Green"),
    "light.yellow": ("黄灯", "Yellow"),
    "light.red": ("红灯", "Red"),
    "light.grey": ("灰", "Grey"),
    "attr.约束性": ("约束性", "Binding"),
    "attr.预期性": ("预期性", "Indicative"),
    # indicator page
    "indicator.choose": ("选择指标", "Indicator"),
    "indicator.area": ("地区", "Area"),
    "indicator.unknown": (
        "链接中的指标代码 {id} 不存在，已显示第一个目标类指标。",
        "The link names an indicator {id} that does not exist; showing the first target instead.",
    ),
    "indicator.series": ("数据序列", "Series"),
    "indicator.areas": ("各{sub}比较", "Sub-areas compared"),
    "indicator.areas.caption": (
        "{period}各{sub}数值（{n} 个），由好到差排列；虚线为{whole} {district}。斜线条形为不如{whole}。",
        "{period}, {n} sub-areas, best first; dashed line: district {district}. Hatched bars "
        "are worse than the district.",
    ),
    "indicator.areas.ends": (
        "地区较多，图中只列最好和最差各 {n} 个；全部排名见“图表数据”。",
        "Many areas: the chart shows the best and the worst {n}; the full ranking is under “Chart data”.",
    ),
    "indicator.areas.none": ("该指标没有分{sub}的数据。", "No sub-area values for this indicator."),
    "indicator.definition": ("指标定义", "Definition"),
    "indicator.values": ("数值与修订记录", "Values and revisions"),
    "indicator.values.caption": (
        "共 {n} 条记录，其中修订 {revised} 条（最新在前）。",
        "{n} records, {revised} of them revisions (newest first).",
    ),
    "indicator.nodata": (
        "该指标在所选地区还没有数据。",
        "No data for this indicator in this area yet.",
    ),
    "indicator.reason": ("说明：{reason}", "Note: {reason}"),
    "indicator.projection.meets": (
        "按现有增速，预计{period}达到{value}，可以实现目标",
        "At the present growth rate, {value} in {period}: the target would be met",
    ),
    "indicator.projection.misses": (
        "按现有增速，预计{period}为{value}，难以实现目标",
        "At the present growth rate, {value} in {period}: the target would be missed",
    ),
    "indicator.flow.note": (
        "本指标为年内累计值（年初至今），趋势线只用全年值。",
        "A year-to-date flow: the trend line uses full-year values only.",
    ),
    "chart.actual": ("实际值", "Actual"),
    "chart.target": ("目标值", "Target"),
    "chart.path": ("序时进度路径", "Required path"),
    "chart.trend": ("趋势线（最小二乘）", "Trend (least squares)"),
    "chart.band": ("趋势区间（±残差标准差）", "Trend band (± residual s.d.)"),
    "chart.projection": ("趋势外推", "Projection"),
    "chart.revised": ("有修订", "Revised"),
    "chart.district": ("{whole}", "District"),
    "chart.data": ("图表数据", "Chart data"),
    "source.reported": ("上报", "Reported"),
    "source.rollup": ("汇总计算", "Rolled up"),
    "source.nan": ("—", "—"),
    "revision.current": ("当前值", "Current"),
    "revision.superseded": ("已被修订", "Superseded"),
    "revision.deleted": ("已删除", "Deleted"),
    "export.xlsx": ("下载 Excel", "Download Excel"),
    "export.csv": ("下载 CSV", "Download CSV"),
    "export.sheet.values": ("当前值", "Current values"),
    "export.sheet.revisions": ("修订记录", "Revisions"),
    "export.sheet.definition": ("指标定义", "Definition"),
    # definition
    "def.item": ("项目", "Item"),
    "def.content": ("内容", "Content"),
    "def.id": ("指标编码", "Indicator code"),
    "def.code": ("编码：`{code}`", "Code: `{code}`"),
    "def.rollup.weight": ("（权重：{weight}）", " (weighted by {weight})"),
    "def.name": ("指标名称", "Name"),
    "def.plan": ("所属规划", "Plan"),
    "def.kind": ("类型", "Kind"),
    "def.unit": ("单位", "Unit"),
    "def.direction": ("方向", "Direction"),
    "def.attribute": ("属性", "Attribute"),
    "def.target": ("目标", "Target"),
    "def.baseline": ("基期值", "Baseline"),
    "def.baseline.measured": ("{value}（{period}，取自数据）", "{value} ({period}, from the data)"),
    "def.deadline": ("完成时限", "Deadline"),
    "def.lead": ("牵头部门", "Lead departments"),
    "def.participating": ("参与部门", "Participating departments"),
    "def.formula": ("计算公式", "Formula"),
    "def.rollup": ("汇总方式", "Roll-up"),
    "def.measure": ("存量/流量", "Stock or flow"),
    "def.frequency": ("报送频率", "Frequency"),
    "def.section": ("所在章节", "Section"),
    "def.clause": ("条款原文", "Clause"),
    "def.description": ("说明", "Notes"),
    "def.clause.source": ("——《{plan}》{section}", "— {plan}, {section}"),
    "kind.target": ("目标类", "Numeric target"),
    "kind.relative": ("对标类（目标为另一序列）", "Relative (target is another series)"),
    "kind.milestone": ("里程碑", "Milestone"),
    "kind.monitor": ("监测类（无目标）", "Monitoring (no target)"),
    "direction.up": ("越大越好", "Higher is better"),
    "direction.down": ("越小越好", "Lower is better"),
    "rollup.sum": ("各{sub}求和", "Sum of sub-areas"),
    "rollup.weighted_mean": ("按权重加权平均", "Weighted mean"),
    "rollup.mean": ("各{sub}简单平均", "Mean of sub-areas"),
    "rollup.median": ("各{sub}中位数", "Median of sub-areas"),
    "rollup.formula": ("按公式（分子分母分别汇总）", "Formula over summed components"),
    "rollup.none": ("不汇总（区级直报）", "None (reported for the district)"),
    "measure.stock": ("存量（期末值）", "Stock (end of period)"),
    "measure.flow": ("流量（年初至今累计）", "Flow (year to date)"),
    "frequency.quarter": ("按季度", "Quarterly"),
    "frequency.year": ("按年度", "Yearly"),
    # departments
    "dept.title": ("按牵头部门", "By lead department"),
    "dept.caption": (
        "每个部门牵头的指标和负责的任务。部门名称已统一写法（如“区人力资源和社会保障局”并入“区人力资源社会保障局”）。",
        "What each department leads and the tasks it is responsible for. Variant spellings of a "
        "department's name are merged.",
    ),
    "dept.choose": ("选择部门", "Department"),
    "dept.none": ("没有部门。", "No department."),
    "dept.all": ("各部门一览", "All departments"),
    "dept.lead": ("牵头的指标", "Indicators it leads"),
    "dept.lead.none": ("该部门不牵头任何指标。", "This department leads no indicator."),
    "dept.participating": ("参与的指标（{n} 项）", "Indicators it takes part in ({n})"),
    "dept.tasks": ("负责的任务与里程碑", "Tasks and milestones"),
    "dept.tasks.none": ("该部门没有任务。", "No task for this department."),
    "dept.tasks.missing": (
        "任务模块尚未安装，暂不能显示任务。",
        "The task module is not installed yet: tasks cannot be shown.",
    ),
    "dept.metric.red": ("红灯指标", "Red indicators"),
    "dept.col.department": ("部门", "Department"),
    "dept.col.indicators": ("牵头指标", "Indicators led"),
    "dept.col.monitor": ("监测指标", "Monitoring"),
    "dept.col.tasks": ("任务", "Tasks"),
    "dept.col.overdue": ("逾期", "Overdue"),
    "dept.col.done": ("已完成", "Done"),
    "dept.task.status": ("状态", "Status"),
    "dept.task.title": ("任务", "Task"),
    "dept.task.deadline": ("完成时限", "Deadline"),
    "dept.task.due": ("到期日", "Due"),
    "dept.task.note": ("最新进展", "Latest update"),
}
STRINGS |= {f"verdict.{zh}": (zh, en) for zh, en in _VERDICTS_EN.items()}
STRINGS |= {f"growth.{zh}": (zh, en) for zh, en in _GROWTH_EN.items()}
STRINGS |= {
    "asof.help": (
        "输入日期（如 2023-12-31）后按回车即生效，或从日历中选择。",
        "Type a date (e.g. 2023-12-31) and press Enter, or pick one from the calendar.",
    ),
    "completion.far_above.word": ("远超目标", "Far past the target"),
    "completion.far_above.help": (
        "完成进度 =（现状值 − 基期值）/（目标值 − 基期值）。基期值已接近目标时分母很小，"
        "略有进展即远超 100%，表示已超过目标，不是数据错误。",
        "Completion = (latest − baseline) / (target − baseline). When the baseline is close to "
        "the target the denominator is small, so a little progress reads far above 100%: the "
        "target is passed; it is not a data error.",
    ),
    "completion.below_base.word": ("比基期倒退", "Worse than the baseline"),
    "completion.below_base.help": (
        "现状值比基期值更偏离目标，完成进度为负。",
        "The latest value is further from the target than the baseline: completion is negative.",
    ),
    # Streamlit's own words, replaced (placeholders, and app/style.py for the uploader)
    "widget.choose": ("请选择", "Choose an option"),
    "widget.choose_many": ("请选择（可多选）", "Choose options"),
    "widget.upload": ("选择文件", "Upload"),
    "widget.upload.limit": ("拖放文件到此处，或点击“选择文件”；单个文件不超过 {mb} MB",
                            "Drag a file here or click Upload; at most {mb} MB per file"),
    "widget.no_results": ("没有匹配的选项", "No results"),
    # units of measure in English screens
    "unit.%": ("%", "%"),
    "unit.个": ("个", "units"),
    "unit.人": ("人", "persons"),
    "unit.人/万人": ("人/万人", "per 10,000 residents"),
    "unit.人次": ("人次", "person-times"),
    "unit.场": ("场", "events"),
    "unit.小时/天": ("小时/天", "hours/day"),
    "unit.平方米": ("平方米", "m²"),
    "unit.户": ("户", "households"),
    "unit.所": ("所", "schools"),
    "unit.是/否": ("是/否", "yes/no"),
    "unit.次": ("次", "times"),
}  # fmt: skip
STRINGS |= {
    "overview.summary": (
        "截至 {as_of}：:green[**{good} 项进展顺利**]（已实现或符合预期），"
        ":red[**{bad} 项滞后或逆向**]，{other} 项无法评估或进行中。",
        "At {as_of}: :green[**{good} on track**] (achieved or on schedule), "
        ":red[**{bad} behind or moving away**], {other} cannot be assessed or in progress.",
    ),
}
STRINGS |= {
    "indicator.values.later": (
        "评估基准日 {as_of} 之后各期的 {n} 条记录未列出（改动基准日可查看）。",
        "{n} records of periods after the as-of date {as_of} are not listed (change the date "
        "to see them).",
    ),
}
