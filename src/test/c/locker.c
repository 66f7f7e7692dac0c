/*
 * Test workload for file-lock checkpoints.
 *   locker FILE      create FILE (mode 0640) at run time, take an exclusive flock on it and
 *                    print a counter every second while holding it
 *   locker -t FILE   try to take the lock without waiting: prints "held" and exits 1 when
 *                    another process holds it, prints "free" and exits 0 otherwise
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "-t") == 0) {
        int fd = open(argv[2], O_RDWR);
        if (fd < 0) { perror("open"); return 2; }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK) { puts("held"); return 1; }
            perror("flock"); return 2;
        }
        puts("free");
        return 0;
    }
    if (argc != 2) { fprintf(stderr, "usage: locker FILE | locker -t FILE\n"); return 2; }
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0640);
    if (fd < 0) { perror("open"); return 2; }
    fchmod(fd, 0640);
    if (write(fd, "locked\n", 7) != 7) { perror("write"); return 2; }
    if (flock(fd, LOCK_EX) != 0) { perror("flock"); return 2; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long i = 0;; i++) {
        printf("lock-%ld\n", i);
        sleep(1);
    }
}
