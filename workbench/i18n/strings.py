"""Every string the workbench shows: key -> (zh-CN, English). Add a page's strings under its own prefix."""

MESSAGES: dict[str, tuple[str, str]] = {
    # layout
    "app.title": ("社工站工作台", "Station workbench"),
    "nav.today": ("今日工作台", "Today"),
    "nav.people": ("服务对象 / 个案", "People and cases"),
    "nav.needs": ("需求与匹配", "Needs and matching"),
    "nav.volunteers": ("志愿者与关爱", "Volunteers and care"),
    "nav.imports": ("导入导出", "Import / export"),
    "nav.stats": ("统计", "Statistics"),
    "nav.signout": ("退出", "Sign out"),
    "nav.menu": ("菜单", "Menu"),
    "lang.switch": ("English", "中文"),
    "common.save": ("保存", "Save"),
    "common.search": ("搜索", "Search"),
    "common.none": ("暂无", "None"),
    "common.error": ("出错了", "Something went wrong"),
    "common.not_done": ("这一页尚未完成。", "This page is not built yet."),
    "common.required": ("必填", "required"),
    "common.back": ("返回", "Back"),
    "common.more": ("更多", "More"),
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.dev_intro": (
        "开发环境：选择一个演示身份登录（生产环境通过统一身份认证登录）。",
        "Development: sign in as one of the demo identities (production signs in through OIDC).",
    ),
    "signin.as": ("以此身份登录", "Sign in as"),
    "signin.oidc": ("通过统一身份认证登录", "Sign in with your organisation account"),
    "signin.none": ("网关上还没有平台：先运行 wushe up --demo。", "No platforms yet: run wushe up --demo first."),
    "signin.failed": ("登录失败，请重试。", "Sign-in failed; please try again."),
    "signin.signed_in_as": ("当前身份", "Signed in as"),
    # roles
    "role.civil_affairs_admin": ("民政管理员", "Civil-affairs admin"),
    "role.centre_staff": ("社工服务中心工作人员", "Centre staff"),
    "role.station_staff": ("社工站工作人员", "Station worker"),
    "role.community_worker": ("社区工作者", "Community worker"),
    "role.org_staff": ("组织工作人员", "Charity staff"),
    "role.volunteer": ("志愿者", "Volunteer"),
    # errors
    "csrf.refused": (
        "请求被拒绝：表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重试。",
        "Refused: the form expired or came from elsewhere (CSRF check failed). Reload the page and try again.",
    ),
    "gateway.failed": ("网关未能完成请求", "The gateway could not answer"),
}
MESSAGES.update(
    {
        # 今日工作台
        "today.open": ("待办需求（按紧急程度）", "Open needs by urgency"),
        "today.deadline": ("截止", "due"),
        "today.waited": ("已等待 {days} 天", "waiting {days} days"),
        "today.claims": ("待确认的爱心认领", "Donor claims to confirm"),
        "today.lapses": ("{at} 前未确认将失效", "lapses at {at} unless confirmed"),
        "today.holds": ("即将到期的资源预留", "Holds about to expire"),
        "today.expires": ("{at} 到期", "expires {at}"),
        "today.visits": ("漏访与身心预警", "Missed visits and wellbeing alerts"),
        "today.follow_up": ("待回访个案", "Cases due for follow-up"),
        "today.referred": ("转介待反馈", "Referrals waiting"),
        "people.case": ("个案", "Case"),
        "people.opened_at": ("开案于", "opened"),
    }
)
