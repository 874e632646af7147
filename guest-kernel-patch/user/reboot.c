/* reboot: restart this domain (the hypervisor decides what that means). */
#include "xlite.h"

int main(void)
{
    return xl_reboot(XREBOOT_REBOOT);
}
