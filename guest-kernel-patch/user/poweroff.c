/* poweroff: shut this domain down. */
#include "xlite.h"

int main(void)
{
    return xl_reboot(XREBOOT_POWEROFF);
}
