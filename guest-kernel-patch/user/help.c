/* help: what the shell and its commands do. */
#include <stdio.h>

int main(void)
{
    printf("xlite shell. Commands in /bin:\n"
           "  ls [DIR]       list a directory     cat [FILE]...  print files\n"
           "  echo ARGS      print arguments      ps             list processes\n"
           "  kill [-S] PID  signal a process     free           memory use\n"
           "  uptime         time since boot      dmesg          kernel log\n"
           "  sleep SECS     wait                 poweroff       stop this domain\n"
           "  reboot         restart the domain   help           this text\n"
           "  head [-c N|-n N] [FILE]  the first bytes or lines of a file\n"
           "  xlite help     the toolstack (create, list, console, destroy, ...)\n"
           "Shell: CMD | CMD, > FILE, >> FILE, < FILE, CMD &, $? (last status), 'a word',\n"
           "  cd [DIR], pwd, exit [N], exec CMD. Ctrl-C stops the foreground command,\n"
           "  Ctrl-U clears the line, up/down arrows walk the history.\n"
           "/tmp, /run and /var/log are writable; the rest is the read-only ramdisk.\n");
    return 0;
}
