"""Strings of the upload page's column-mapping step (列名对应)."""

STRINGS = {
    "upload.map.title": ("列名对应", "Map the columns"),
    "upload.map.intro": (
        "没有识别出表头。请为下列列名选择对应的字段（地区、指标、报告期、数值…），然后重新检查。"
        "按年份展开的表（如世界银行格式）只需指出地区列和指标列。",
        "No header row was recognised. Choose what each column holds (area, indicator, period, "
        "value …) and check again. For a table with a column per year (the World Bank layout) "
        "name the area and indicator columns.",
    ),
    "upload.map.apply": ("按此对应重新检查", "Check again with this mapping"),
    "upload.map.active": ("已使用列名对应：{pairs}", "Column mapping in use: {pairs}"),
    "upload.map.clear": ("清除列名对应", "Clear the mapping"),
    "upload.map.none": ("（不使用）", "(not used)"),
    "upload.map.area_code": ("地区代码", "Area code"),
    "upload.map.area_name": ("地区名称", "Area name"),
    "upload.map.indicator_id": ("指标代码", "Indicator code"),
    "upload.map.indicator_name": ("指标名称", "Indicator name"),
    "upload.map.period": ("报告期", "Period"),
    "upload.map.value": ("数值", "Value"),
    "upload.map.note": ("备注", "Note"),
    "upload.map.ignore": ("忽略此列", "Ignore this column"),
    "upload.skip_areas": (
        "跳过地区未配置的行（如世界银行文件的 WLD、EUU 等汇总行），不入库",
        "Leave out the rows whose area is not configured (e.g. the World Bank aggregates "
        "WLD, EUU); they are not stored",
    ),
    "upload.skip_areas.help": (
        "不勾选时，这些行是错误，整个文件不入库。勾选后重新检查，跳过的地区和行数列为一条警告。",
        "Unticked, these rows are errors and the file is refused. Ticked, the file is checked "
        "again and the skipped areas and rows are listed in one warning.",
    ),
}
