"""导入导出: the area's strings, added to the shared catalogue when pages/imports.py is imported."""

from workbench.i18n.strings import MESSAGES

MESSAGES.update(
    {
        "imports.recipients": ("服务对象表", "Recipients sheet"),
        "imports.wishes": ("微心愿表", "Micro-wishes sheet"),
        "imports.file": ("选择表格文件（.xlsx 或 .csv）", "Sheet file (.xlsx or .csv)"),
        "imports.upload": ("上传并导入", "Upload and import"),
        "imports.template": ("下载模板", "Download the template"),
        "imports.columns": ("列：{columns}", "Columns: {columns}"),
        "imports.result_title": ("导入结果：{name}", "Import of {name}"),
        "imports.errors": (
            "表格中有 {n} 处错误，未导入任何数据。请更正后重新上传整张表格。",
            "{n} problems; nothing was imported. Correct them and upload the whole sheet again.",
        ),
        "imports.errors_caption": (
            "逐行错误（行号为表格中的行，第 1 行是表头）",
            "Errors by row (row 1 is the header)",
        ),
        "imports.imported_recipients": ("已导入 {n} 名服务对象。", "{n} recipients imported."),
        "imports.imported_wishes": ("已导入 {n} 个微心愿。", "{n} micro-wishes imported."),
        "imports.imported_list": ("本次导入", "Imported now"),
        "imports.more": ("另有 {n} 条未在此列出。", "{n} more not listed here."),
        "imports.unnamed": ("（未命名）", "(no name)"),
        "imports.to_people": ("到服务对象列表", "Go to the recipients"),
        "imports.project": ("所属项目（可不选）", "Project (optional)"),
        "imports.no_project": ("不属于任何项目", "No project"),
        "imports.all_or_nothing": (
            "逐行检查全部通过才导入；任何一行有误则整张表都不导入。",
            "Imported only when every row passes; one bad row and nothing is imported.",
        ),
        "imports.no_platform": (
            "只有社工站或社工服务中心的工作人员可以导入本平台的表格。",
            "Only a platform's staff import its sheets.",
        ),
        "imports.unreachable": (
            "网关无响应（{reason}），未导入。",
            "The gateway did not answer ({reason}); nothing imported.",
        ),
        "imports.pick_project": ("请选择要导出心愿清单的项目。", "Choose the project whose wish list to export."),
        "imports.unreachable_export": ("网关无响应（{reason}），未能导出。", "The gateway did not answer ({reason})."),
        "imports.export_wishes": ("项目心愿清单（.xlsx）", "A project's wish list (.xlsx)"),
        "imports.export_project": ("项目", "Project"),
        "imports.export_button": ("导出心愿清单", "Export the wish list"),
        "imports.gateway_status": ("网关返回 {status}，未导入。", "The gateway answered {status}; nothing imported."),
        "imports.download_report": ("下载错误报告（.xlsx）", "Download the error report (.xlsx)"),
        "imports.row": ("行号", "Row"),
        "imports.column": ("列", "Column"),
        "imports.value": ("单元格内容", "Cell"),
        "imports.reason": ("错误原因", "Problem"),
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
