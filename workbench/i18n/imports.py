"""导入导出: the area's strings, added to the shared catalogue when pages/imports.py is imported."""

from workbench.i18n.strings import MESSAGES

MESSAGES.update(
    {
        "imports.gap": (
            "暂不可用：网关尚未提供表格导入操作，工作台只通过网关工作，因此无法在此导入。"
            "上传的表格只在工作台检查表头（列名），不会导入任何数据；逐行检查需网关提供导入操作后才能进行。"
            "在此之前请由管理员使用命令行 wushe import 导入。",
            "Not available yet: the gateway offers no sheet import, and the workbench talks only to the gateway. "
            "An uploaded sheet is checked here for its header row only and nothing is imported; row-by-row checks "
            "need the gateway's import operation. Until then an administrator imports with `wushe import`.",
        ),
        "imports.recipients": ("服务对象表", "Recipients sheet"),
        "imports.wishes": ("微心愿表", "Micro-wishes sheet"),
        "imports.file": ("选择表格文件（.xlsx 或 .csv）", "Sheet file (.xlsx or .csv)"),
        "imports.upload": ("上传并检查", "Upload and check"),
        "imports.template": ("下载模板", "Download the template"),
        "imports.columns": ("列：{columns}", "Columns: {columns}"),
        "imports.result_title": ("检查结果：{name}", "Check of {name}"),
        "imports.rows": ("共 {n} 行数据。", "{n} data rows."),
        "imports.headers_ok": (
            "表头齐全。未导入任何数据：网关尚未提供导入操作。",
            "The header row is complete. Nothing was imported: the gateway offers no import yet.",
        ),
        "imports.errors": ("表格中有 {n} 处错误，未导入任何数据。", "{n} problems; nothing was imported."),
        "imports.download_report": ("下载错误报告（.xlsx）", "Download the error report (.xlsx)"),
        "imports.row": ("行号", "Row"),
        "imports.column": ("列", "Column"),
        "imports.value": ("单元格内容", "Cell"),
        "imports.reason": ("错误原因", "Problem"),
        "imports.missing_column": ("缺少必填列“{column}”", "The required column “{column}” is missing"),
        "imports.bad_type": ("只能上传 .xlsx 或 .csv 表格。", "Only .xlsx and .csv sheets can be uploaded."),
        "imports.too_large": ("表格文件不能超过 10 MB。", "At most 10 MB per sheet."),
        "imports.no_file": ("请选择要上传的表格文件。", "Choose a sheet to upload."),
        "imports.exports": ("导出名单", "Export lists"),
        "imports.export_needs": ("需求清单（本站或本区域，.xlsx）", "Needs of my platform or region (.xlsx)"),
        "imports.export_volunteers": ("志愿者服务时长（.xlsx）", "Volunteers and their hours (.xlsx)"),
        "imports.export_stats": (
            "联动统计（.xlsx，在统计页按区域与月份导出）",
            "Linkage statistics (.xlsx, on the statistics page)",
        ),
        "imports.required": ("必填", "required"),
        "imports.note": ("填写说明", "How to fill in"),
        "imports.header": ("列名", "Column"),
    }
)
