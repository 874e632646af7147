/* Exercises the parts of newlib a guest kernel is likely to lean on: stdio
 * formatting (incl. floating point through SSE), string, malloc and libm.
 * Output is compared byte for byte with expected.txt by run.sh. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void);
void test_entry(void);

/* volatile so gcc cannot fold the libm calls away: the point is to link them */
static volatile double two = 2.0, big = 1e6;

int main(void)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%s|%d|%.6f", "pv", -42, sqrt(two));

	printf("snprintf: \"%s\" (ret %d, strlen %zu)\n", buf, n, strlen(buf));
	printf("printf: %5d|%-4s|%08.3f|%lld|%x\n", 7, "ab", 3.14159, -(1LL << 40),
	       0xbeefu);

	/* malloc + memcpy round trip, then a big block to grow the heap */
	size_t len = strlen(buf) + 1;
	char *copy = malloc(len);
	char *blk = malloc(256 * 1024);
	if (!copy || !blk) {
		printf("malloc failed\n");
		return 1;
	}
	memcpy(copy, buf, len);
	memset(blk, 0x5a, 256 * 1024);
	printf("malloc/memcpy: \"%s\" equal=%d blk[last]=%#x\n", copy,
	       strcmp(copy, buf) == 0, (unsigned char)blk[256 * 1024 - 1]);
	free(blk);
	free(copy);

	printf("sqrt(1e6)=%g sqrt(2)=%.15f\n", sqrt(big), sqrt(two));
	return 0;
}

/* Called from _start; exit() flushes stdio before _exit. */
void test_entry(void)
{
	exit(main());
}
