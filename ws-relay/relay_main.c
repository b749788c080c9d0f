/* relay_main.c - placeholder until the relay core lands (groundwork commit). */
#include <stdio.h>

int main(void)
{
	fputs("sc-ws-relay: not built yet\n", stderr);
	return 1;
}
