/* Entry point of the host-runnable newlib link test.  Linux enters with
   %rsp 16-byte aligned and pointing at argc; we need neither argv nor envp,
   so just clear the frame pointer (end of backtraces), keep the ABI
   alignment and hand over to C.  A PV guest's entry would look similar. */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	test_entry		/* never returns: exit()s */
	ud2
	.size	_start, . - _start

/* Say explicitly that we need no executable stack (ld 2.39+ warns). */
	.section .note.GNU-stack, "", @progbits
