/*
 * Benchmark workload: allocates SIZE MiB of anonymous memory, writes to every page so that it
 * is resident and not zero, then prints a counter every second.
 *   memhog SIZE_MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: memhog SIZE_MIB\n"); return 2; }
    size_t size = (size_t) atol(argv[1]) << 20;
    unsigned char *mem = malloc(size);
    if (mem == NULL) { perror("malloc"); return 2; }
    for (size_t i = 0; i < size; i += 4096) {
        mem[i] = (unsigned char) (i >> 12);
        mem[i + 1] = 0x5a;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready %zu\n", size >> 20);
    for (long n = 0;; n++) {
        printf("mem-%ld\n", n);
        sleep(1);
    }
}
