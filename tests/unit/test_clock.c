/* test_clock.c — the simulated clock (demo): time_now reads it before
 * $ISMS_NOW and the wall clock; it never goes back; cleared, $ISMS_NOW
 * answers again. */
#include <stdlib.h>

#include "../../src/lib/text.h"
#include "test.h"

TEST(simulated_clock)
{
    char now[21], today[11];
    setenv("ISMS_NOW", "2030-01-15T10:00:00Z", 1);
    CHECK(!time_is_simulated());
    CHECK(time_set_simulated("2025-12-01T08:00:00Z") == 0);
    CHECK(time_is_simulated());
    time_now(now);
    CHECK_STR(now, "2025-12-01T08:00:00Z");
    date_today(today);
    CHECK_STR(today, "2025-12-01");
    CHECK(time_set_simulated("2026-03-18 09:30") == 0);
    time_now(now);
    CHECK_STR(now, "2026-03-18T09:30:00Z");
    /* monotonic: an earlier time is refused, the clock stays */
    CHECK(time_set_simulated("2026-03-17T23:59:59Z") == 1);
    time_now(now);
    CHECK_STR(now, "2026-03-18T09:30:00Z");
    CHECK(time_set_simulated("2026-03-18T09:30:00Z") == 0); /* the same time: allowed */
    CHECK(time_set_simulated("yesterday") == -1);
    time_now(now);
    CHECK_STR(now, "2026-03-18T09:30:00Z");
    CHECK(time_set_simulated(NULL) == 0);
    CHECK(!time_is_simulated());
    time_now(now);
    CHECK_STR(now, "2030-01-15T10:00:00Z");
    unsetenv("ISMS_NOW");
}
