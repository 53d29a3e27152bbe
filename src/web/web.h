/* web.h — shared pieces of the HTML pages: the layout (head, navigation,
 * footer), links within the organization, the CSRF field, and sending a
 * page; and the small renderers every page shares (record links, values,
 * risk levels with their method colours, error boxes). Every runtime string
 * goes through html_text/html_attr/html_url (lib/html.h); raw markup only
 * as literals. */
#ifndef ISMS_WEB_H
#define ISMS_WEB_H

#include "../http/routes.h"
#include "../lib/html.h"

/* Opens the page: doctype, head (CSS, JS from /static), header with the
 * navigation the viewer's role may use, and <main>. */
void page_begin(struct req *r, struct buf *b, const char *title);
/* Closes <main> and the page. */
void page_end(struct req *r, struct buf *b);
/* Writes an href/action value: the organization prefix, then path (a
 * literal or an escaped value). */
void href(struct req *r, struct buf *b, const char *path);
/* <input type=hidden name=_csrf value=...> for forms that post. */
void csrf_field(struct req *r, struct buf *b);
/* Sends b as the response (text/html) with status. Takes b's contents. */
void page_send(struct resp *w, struct buf *b, int status);

/* One of two literals by a condition (both must be literals). */
#define html_lit_if(b, cond, yes, no)                                                              \
    do {                                                                                           \
        if (cond) {                                                                                \
            html_lit((b), yes);                                                                    \
        } else {                                                                                   \
            html_lit((b), no);                                                                     \
        }                                                                                          \
    } while (0)

/* ---- request helpers ------------------------------------------------------ */

/* A query-string value fit to use: valid UTF-8, no control characters, at
 * most 200 bytes; NULL when absent or unfit (query strings are untrusted). */
const char *web_query(struct req *r, const char *name);
/* The query value as an integer in [lo, hi]; def when absent or not one. */
long web_query_long(struct req *r, const char *name, long lo, long hi, long def);
/* 1 when the viewer's person owns rec (what the router computes for edit
 * and retire). */
int web_owns(struct req *r, const struct record *rec);
/* Whether to offer a button or form of permission p (the router's rule:
 * perm_allows of the role, and for an external auditor nothing that
 * writes — perm_may_request); owns as for perm_allows. Pages show what it
 * allows and hide the rest; the router decides. */
int web_may(struct req *r, enum perm p, const struct rtype *t, int owns);
/* Whether to offer a form that writes through a route of PERM_READ (a
 * sign-off by capacity, an acknowledgement, attendance, a decision): not
 * to an external auditor. */
int web_may_sign(struct req *r);

/* ---- renderers ------------------------------------------------------------ */

/* Writes the href value of a record's page (/PLURAL/ID) for any identifier;
 * "#" when the identifier names no type. */
void web_ref_href(struct req *r, struct buf *b, const char *ref);
/* <a href=record>text</a>; text NULL shows the identifier. */
void web_ref_link(struct req *r, struct buf *b, const char *ref, const char *text);
/* A link to ref labelled "ID Title" (the title looked up; unknown or
 * unreadable records show the identifier only). */
void web_ref_titled(struct req *r, struct buf *b, const char *ref);
/* The title of the record ref (caller frees), or NULL; looked up once per
 * request. */
char *web_ref_title(struct req *r, const char *ref);
/* Appends what fn renders (given ctx), from the connection's memo under key
 * when the file is unchanged since it was rendered; the key must name
 * everything else the text depends on (the role, say). */
typedef void (*web_render_fn)(struct req *r, struct buf *b, const void *ctx);
void web_memo(struct req *r, struct buf *b, const char *key, web_render_fn fn, const void *ctx);
/* The same from app_derived: for whole-file summaries (dashboard cards,
 * heat maps) that survive writes of inert fields. */
void web_derived(struct req *r, struct buf *b, const char *key, web_render_fn fn,
                 const void *ctx);
/* Appends the part of a record's page fn renders, from the connection's
 * memo when the file is unchanged since it was rendered for a viewer of
 * this role. Only for parts that depend on nothing else: no form tokens,
 * no date of today, no row rule of one viewer (so not for staff). */
typedef void (*web_part_fn)(struct req *r, struct buf *b, const struct record *rec);
void web_memo_part(struct req *r, struct buf *b, const char *what, const struct record *rec,
                   web_part_fn fn);
/* Tells web_ref_title the title of ref, read by a query that applied the
 * viewer's row rule (a list of titles read for a form, say). */
void web_title_seen(struct req *r, const char *ref, const char *title);
/* Displays a stored (canonical) value of field f: references as links,
 * booleans yes/no, sets as lists, long text as paragraphs, risk levels
 * with their colour. score (may be NULL) is shown beside a level. */
void web_value(struct req *r, struct buf *b, const struct record *rec, const struct field *f,
               const char *v);
/* Long text as paragraphs (blank lines) and line breaks; no Markdown. */
void web_paragraphs(struct buf *b, const char *s);
/* Document content: Markdown (CommonMark) rendered by cmark into b inside
 * <div class="markdown">. text is untrusted: raw HTML is dropped (shown as an
 * HTML comment), link and image addresses other than relative ones, http:,
 * https: and mailto: are emptied (web_url_safe). NULL or "" writes nothing. */
void web_markdown(struct buf *b, const char *text);
/* 1 when url may be a link or image address in rendered content: relative,
 * or with scheme http, https or mailto (read as a browser would, ignoring
 * control characters and spaces, any case). */
int web_url_safe(const char *url);
/* A small colour square: inline SVG with a fill attribute, which the CSP
 * (style-src 'self') allows where a style attribute would be refused.
 * colour must be "#rrggbb" (the method validates it); anything else is
 * not drawn. */
void web_swatch(struct buf *b, const char *colour);
/* A cell background in colour: an absolutely positioned SVG rectangle
 * (see style.css .bg) — the same CSP-safe technique as web_swatch. */
void web_cell_bg(struct buf *b, const char *colour);
/* "on-dark" or "on-light": which text colour reads on the background. */
const char *web_contrast_class(const char *colour);
/* A risk level badge ("High" with its method colour, and score when not
 * NULL); an unknown level shows its name; NULL shows "unrated". */
void web_level(struct req *r, struct buf *b, const char *level, const char *score);
struct scale;
/* The risk method's scale for a risk rating field (likelihood, consequence,
 * their residual and per-C/I/A forms), or NULL for any other field or a
 * per-C/I/A field under a method with one consequence scale. */
const struct scale *web_rating_scale(struct req *r, const struct rtype *t,
                                     const struct field *f);
/* The heading for a list of t: "Risks", "Interested parties", "People". */
void web_plural_label(const struct rtype *t, char *out, size_t size);
/* A stored UTC time ("2026-01-31T10:00:00Z") as "2026-01-31 10:00" in a
 * <time> element. */
void web_time(struct buf *b, const char *at);
/* <div class="error-box" role="alert">message</div> */
void web_error_box(struct buf *b, const char *msg);
/* <p class="notice">message</p> for confirmations after a redirect
 * (?done=...); only the fixed messages named by the key are shown. */
void web_notice(struct req *r, struct buf *b);
/* A breadcrumb trail: Dashboard › label (linked to path) › current. */
void web_crumbs(struct req *r, struct buf *b, const char *path, const char *label,
                const char *current);

/* ---- shared between page files -------------------------------------------- */

/* The record page of r->rec (page_record.c) with an optional error from an
 * action on it (acceptance, review), with the given status. The form that
 * failed keeps what was typed (r->form). */
void web_show_record(struct req *r, struct resp *w, const struct err *e);
/* The document control panel of a document's page (page_document.c):
 * state, version in force, next review, the workflow steps, versions and
 * acknowledgement — for staff only the version in force and their own
 * acknowledgement. */
void web_document_panel(struct req *r, struct buf *b, const struct record *rec);
/* The "Evidence files" section of a record's page (page_attach.c): the
 * active attachments with validity, downloads, and for those who may edit
 * the record the upload form and removal. */
void web_attachments_section(struct req *r, struct buf *b, const struct record *rec);
/* suppliers: the form that sends a questionnaire to the supplier (page_suppliers.c). */
void web_supplier_send_form(struct req *r, struct buf *b, const struct record *rec);
/* The inherent or residual heat map of the method in force (page_risk.c). */
void web_heatmap(struct req *r, struct buf *b, int residual);

/* The sign-offs of a subject as a table under heading, newest first: who
 * (person and account; "recorded on behalf of ..." for decisions taken
 * elsewhere), kind, capacity, when, rationale, evidence, and whether each
 * still matches the current content (web_signoff.c). Nothing when empty. */
void web_signoffs(struct req *r, struct buf *b, const struct signoffs *l, const char *heading);
/* "You sign as P-0001 (Name), account NAME." under a sign-off form. */
void web_signer_line(struct req *r, struct buf *b);

/* ---- audit (page_audit.c): control tests (9.1), audit programme (9.2) ---- */
struct strmap;
/* A tag after a control's SoA status when its test is overdue, failed or
 * partly effective (tests: app_ctest_flags; NULL or no entry: nothing). */
void web_ctest_tag(struct req *r, struct buf *b, const struct strmap *tests, const char *control);
/* The dashboard card of control tests that are overdue, failed or partly
 * effective, with a link to the audit programme's coverage (nothing for a
 * viewer who may not read control tests). */
void web_audit_card(struct req *r, struct buf *b, const char *today);
/* The part of a control's, control test's, test run's or audit's page that
 * shows test states, runs, the raise-NC button, checklist and report links. */
void web_audit_panel(struct req *r, struct buf *b, const struct record *rec);
/* metrics: the panels of metric, measurement, objective, nonconformity,
 * corrective action and improvement pages (page_metrics.c,
 * page_improve.c), and the dashboard's KPI block of trend charts. */
void web_metrics_panel(struct req *r, struct buf *b, const struct record *rec,
                       const struct err *e);
void web_kpi_section(struct req *r, struct buf *b);
/* ops: the incident's response panel (duties with countdowns, timeline,
 * raise a nonconformity) and the security exception's approval panel
 * (page_ops.c). */
void web_incident_panel(struct req *r, struct buf *b, const struct record *rec);
void web_exception_panel(struct req *r, struct buf *b, const struct record *rec);
/* The continuity plan's tests with their computed results and the next one due. */
void web_continuity_panel(struct req *r, struct buf *b, const struct record *rec);

/* reports: the PDF and Print buttons of a printable report at path
 * ("/soa/print"; src/web/page_report.c). */
void web_report_buttons(struct req *r, struct buf *b, const char *path);
/* The CSV and XLSX buttons of a register's export at path ("/risks/export"). */
void web_export_buttons(struct req *r, struct buf *b, const char *path);
/* bundle: the evidence bundle's download button (src/web/page_bundle.c):
 * the whole ISMS (audit NULL) or an audit's scope; shown only to roles
 * the route admits (PERM_HISTORY on documents). */
void web_bundle_button(struct req *r, struct buf *b, const char *audit);
/* readiness: the dashboard's top for the manager, auditor, top management
 * and admin (src/web/page_readiness.c): the readiness figure and the
 * journey's next steps. */
void web_readiness_home(struct req *r, struct buf *b);
/* people: the dashboard's awareness block (page_people.c): completion of
 * the active campaigns, computed. */
void web_awareness_card(struct req *r, struct buf *b);
/* people: on a campaign's page its computed completion, on a session's the
 * "I attended" button for the signed-in person (not memoized: it carries
 * the form token). */
void web_people_panel(struct req *r, struct buf *b, const struct record *rec);

/* A safe place to go after signing in (a ?next= value, untrusted): a path of
 * ours, nothing else; "/" otherwise (page_auth.c). */
const char *web_safe_next(const char *next);

#endif
