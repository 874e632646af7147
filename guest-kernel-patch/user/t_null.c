/* t_null [text|stack]: faults on purpose; the kernel must kill it with a report and
 * run on. No argument: dereference NULL; "text": write to its own code (text is
 * read-only); "stack": jump to code on the stack (the stack is not executable). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    volatile int *p = NULL;

    if (argc > 1 && !strcmp(argv[1], "text")) {
        printf("t_null: writing to text\n");
        fflush(stdout);
        *(volatile unsigned char *)(void *)main = 0xC3;
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "stack")) {
        unsigned char code[16] = { 0xC3 };          /* ret */
        printf("t_null: jumping to the stack\n");
        fflush(stdout);
        ((void (*)(void))(void *)code)();
        return 0;
    }
    printf("t_null: about to dereference NULL\n");
    fflush(stdout);
    return *p;
}
