/* A tiny unit-test harness: TEST(name) registers itself; CHECK macros stop the test on failure. */
#ifndef KV_UNIT_H
#define KV_UNIT_H

#include <math.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void), const char *file);
void unit_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A scratch directory unique to this run, created on first use. */
const char *unit_tmpdir(void);

#define TEST(fn)                                                                                   \
	static void fn(void);                                                                      \
	__attribute__((constructor)) static void fn##_register(void)                               \
	{                                                                                          \
		unit_register(#fn, fn, __FILE__);                                                  \
	}                                                                                          \
	static void fn(void)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			unit_fail(__FILE__, __LINE__, "%s", #cond);                                \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_) {                                                                    \
			unit_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_);    \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                           \
			unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a,         \
			          a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* Relative tolerance check; an absolute floor of tol keeps values near zero meaningful. */
#define CHECK_NEAR(a, b, tol)                                                                      \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		double d_ = fabs(a_ - b_), s_ = fabs(b_) > 1 ? fabs(b_) : 1;                       \
		if (!(d_ <= (tol)*s_)) {                                                           \
			unit_fail(__FILE__, __LINE__, "%s == %.15g, expected %.15g (tol %g)", #a,  \
			          a_, b_, (double)(tol));                                          \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
