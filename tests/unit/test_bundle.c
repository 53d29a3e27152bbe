/* test_bundle.c — the evidence bundle's entry names (src/report/bundle.c):
 * hostile titles map to safe, bounded, unique names; names read from a zip
 * are refused when unsafe. */
#include <string.h>

#include "../../src/report/bundle.h"
#include "test.h"

/* The properties every produced name must have. */
static int safe_produced(const char *n, const char *dir)
{
    size_t dl = strlen(dir);
    if (strncmp(n, dir, dl) != 0 || n[dl] != '/' || strlen(n) > BUNDLE_NAME_MAX) {
        return 0;
    }
    if (strstr(n, "..") || n[0] == '/' || strchr(n, '\\') || strchr(n + dl + 1, '/')) {
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)n; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f) {
            return 0;
        }
    }
    return bundle_name_safe(n);
}

TEST(bundle_entry_names_of_hostile_titles)
{
    static const char *const hostile[] = {
        "../../etc/passwd", "/etc/passwd", "..", ".", "...", "", NULL, "a\\..\\..\\b",
        "C:\\Windows\\system32", "line\nbreak\rand\ttab\x01\x7f", "..hidden", "name.",
        "\xe2\x80\xae" "fdp.exe", "Größe 王小明", "a/../../b", "x/./y", "-rf --no-preserve-root",
        "%2e%2e%2fetc", "CON", "a:b*c?d\"e<f>g|h", ". . / . .", "__--..__",
    };
    struct bundle_names names = {0};
    char seen[64][BUNDLE_NAME_MAX + 1];
    size_t n = sizeof hostile / sizeof hostile[0];
    for (size_t i = 0; i < n; i++) {
        bundle_entry_name(&names, "documents", hostile[i], "pdf", seen[i], sizeof seen[i]);
        if (!safe_produced(seen[i], "documents")) {
            fprintf(stderr, "  unsafe name %s for title %zu\n", seen[i], i);
        }
        CHECK(safe_produced(seen[i], "documents"));
        size_t len = strlen(seen[i]);
        CHECK(len > 14 && strcmp(seen[i] + len - 4, ".pdf") == 0);
        for (size_t k = 0; k < i; k++) {
            CHECK(strcasecmp(seen[k], seen[i]) != 0); /* unique in the archive */
        }
    }
    CHECK_STR(seen[0], "documents/etc_passwd.pdf");
    CHECK_STR(seen[1], "documents/etc_passwd-2.pdf");
    CHECK_STR(seen[2], "documents/file.pdf");
    CHECK_STR(seen[3], "documents/file-2.pdf");
    bundle_names_free(&names);
}

TEST(bundle_entry_names_bounded_and_unique)
{
    struct bundle_names names = {0};
    char longest[5000];
    memset(longest, 'A', sizeof longest - 1);
    longest[sizeof longest - 1] = 0;
    char a[BUNDLE_NAME_MAX + 1], b[BUNDLE_NAME_MAX + 1], c[BUNDLE_NAME_MAX + 1];
    bundle_entry_name(&names, "evidence", longest, "docx", a, sizeof a);
    bundle_entry_name(&names, "evidence", longest, "docx", b, sizeof b);
    CHECK(strlen(a) <= BUNDLE_NAME_MAX && strlen(b) <= BUNDLE_NAME_MAX);
    CHECK(strcmp(a, b) != 0);
    CHECK(strcmp(b + strlen(b) - 7, "-2.docx") == 0);
    /* case-insensitive uniqueness (extracting on a case-folding file system) */
    bundle_entry_name(&names, "x", "Report", "pdf", a, sizeof a);
    bundle_entry_name(&names, "x", "report", "PDF", c, sizeof c);
    CHECK_STR(a, "x/Report.pdf");
    CHECK_STR(c, "x/report-2.PDF");
    /* a hostile extension and directory are cleaned too */
    bundle_entry_name(&names, "../up", "t", "../../sh", a, sizeof a);
    CHECK(!strstr(a, "..") && a[0] != '/' && bundle_name_safe(a));
    /* a small buffer still gets a terminated, safe name */
    char small[12];
    bundle_entry_name(&names, "d", "a long title here", "pdf", small, sizeof small);
    CHECK(strlen(small) < sizeof small && !strstr(small, ".."));
    bundle_names_free(&names);
}

TEST(bundle_names_read_from_a_zip)
{
    CHECK(bundle_name_safe("manifest.json"));
    CHECK(bundle_name_safe("documents/DOC-0001_Policy.pdf"));
    CHECK(bundle_name_safe("a..b/c")); /* ".." inside a name is no component */
    CHECK(!bundle_name_safe("../x"));
    CHECK(!bundle_name_safe("a/../../x"));
    CHECK(!bundle_name_safe("a/.."));
    CHECK(!bundle_name_safe(".."));
    CHECK(!bundle_name_safe("/etc/passwd"));
    CHECK(!bundle_name_safe("a\\..\\b"));
    CHECK(!bundle_name_safe("a\nb"));
    CHECK(!bundle_name_safe(""));
    CHECK(!bundle_name_safe(NULL));
}
