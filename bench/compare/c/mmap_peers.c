/*
 * The C side of the Mmap peer rows of `deno task compare` (see
 * ../mmap_peers.ts): each command maps a file (or opens and closes one many
 * times), does one workload, and prints its milliseconds. Built at run time
 * with `cc -O2`; the rows are skipped where there is no C compiler. Each run
 * prints its wall-clock and CPU milliseconds.
 *
 *   find FILE NEEDLE        memchr for the first byte + memcmp, on an open map
 *   memmem FILE NEEDLE      glibc memmem, on an open map
 *   rfind FILE NEEDLE       memrchr for the first byte + memcmp
 *   findsmall FILE NEEDLE N N searches of a small map
 *   lines FILE              memchr for each line end
 *   slices FILE N SIZE      N copies of SIZE bytes at pseudo-random offsets into malloc'd memory
 *   openclose FILE N        open + fstat + mmap + munmap + close, N times
 *   openclose6 FILE N       the library's six calls: openat2 (no symbolic
 *                           links) + an open-file-description read lock +
 *                           fstat + mmap + munmap + close, N times (Linux)
 *   alloc FILE N SIZE       N zeroed blocks of SIZE bytes (calloc + free)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

static double clock_ms(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double wall0, cpu0;

/** Starts the clocks. */
static void start(void) {
  wall0 = clock_ms(CLOCK_MONOTONIC);
  cpu0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

/** Prints the milliseconds since start(): wall clock, then CPU time. */
static void report(void) {
  printf("%f %f\n", clock_ms(CLOCK_MONOTONIC) - wall0,
         clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu0);
}

static unsigned char *map_file(const char *path, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) { perror(path); exit(1); }
  struct stat st;
  fstat(fd, &st);
  *size = (size_t)st.st_size;
  unsigned char *p = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) { perror("mmap"); exit(1); }
  close(fd);
  return p;
}

static long find(const unsigned char *hay, size_t size, const char *needle, size_t n) {
  if (n == 0 || n > size) return -1;
  const unsigned char *p = hay, *last = hay + size - n;
  while (p <= last) {
    p = memchr(p, needle[0], (size_t)(last - p) + 1);
    if (p == NULL) return -1;
    if (memcmp(p, needle, n) == 0) return p - hay;
    p++;
  }
  return -1;
}

static long rfind(const unsigned char *hay, size_t size, const char *needle, size_t n) {
  if (n == 0 || n > size) return -1;
  size_t end = size - n + 1; /* places [0, end) */
  while (end > 0) {
    const unsigned char *p = memrchr(hay, needle[0], end);
    if (p == NULL) return -1;
    if (memcmp(p, needle, n) == 0) return p - hay;
    end = (size_t)(p - hay);
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *cmd = argv[1], *path = argv[2];
  size_t size;
  volatile long sink = 0;
  if (strcmp(cmd, "openclose") == 0) {
    long count = atol(argv[3]);
    start();
    for (long i = 0; i < count; i++) {
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      struct stat st;
      fstat(fd, &st);
      void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
      munmap(p, (size_t)st.st_size);
      close(fd);
    }
    report();
    return 0;
  }
  if (strcmp(cmd, "openclose6") == 0) {
#if defined(__linux__) && defined(SYS_openat2)
    long count = atol(argv[3]);
    start();
    for (long i = 0; i < count; i++) {
      struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK,
                             .resolve = RESOLVE_NO_SYMLINKS};
      int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
      struct flock lock;
      memset(&lock, 0, sizeof lock);
      lock.l_type = F_RDLCK;
      fcntl(fd, F_OFD_SETLK, &lock);
      struct stat st;
      fstat(fd, &st);
      void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_NORESERVE, fd, 0);
      munmap(p, (size_t)st.st_size);
      close(fd);
    }
    report();
    return 0;
#else
    return 2;
#endif
  }
  if (strcmp(cmd, "alloc") == 0) {
    long count = atol(argv[3]);
    size_t n = (size_t)atol(argv[4]);
    start();
    for (long i = 0; i < count; i++) {
      unsigned char *block = calloc(1, n);
      sink += block[0];
      free(block);
    }
    report();
    return 0;
  }
  unsigned char *hay = map_file(path, &size);
  if (strcmp(cmd, "find") == 0 || strcmp(cmd, "memmem") == 0 || strcmp(cmd, "rfind") == 0) {
    const char *needle = argv[3];
    size_t n = strlen(needle);
    int which = cmd[0] == 'f' ? 0 : cmd[0] == 'm' ? 1 : 2;
    /* an open map: its pages are mapped by a first search, as ours are */
    for (int round = 0; round < 2; round++) {
      start();
      long r = which == 0 ? find(hay, size, needle, n)
        : which == 1 ? (long)((unsigned char *)memmem(hay, size, needle, n) - hay)
        : rfind(hay, size, needle, n);
      if (r < 0) { fprintf(stderr, "not found\n"); return 1; }
      sink += r;
      if (round == 1) report();
    }
  } else if (strcmp(cmd, "findsmall") == 0) {
    const char *needle = argv[3];
    long count = atol(argv[4]);
    size_t n = strlen(needle);
    start();
    for (long i = 0; i < count; i++) sink += find(hay, size, needle, n);
    report();
  } else if (strcmp(cmd, "lines") == 0) {
    /* a first pass maps the pages, as Python's and ours are by the warm-up */
    for (int round = 0; round < 2; round++) {
      start();
      const unsigned char *p = hay, *end = hay + size;
      long lines = 0;
      while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl == NULL ? end : nl + 1;
        lines++;
      }
      sink += lines;
      if (round == 1) report();
    }
  } else if (strcmp(cmd, "slices") == 0) {
    long count = atol(argv[3]);
    size_t n = (size_t)atol(argv[4]);
    long *offs = malloc(sizeof(long) * (size_t)count);
    long long seed = 7;
    for (long i = 0; i < count; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648LL;
      offs[i] = (long)((double)seed / 2147483648.0 * (double)(size - n));
    }
    for (int round = 0; round < 2; round++) {
      start();
      for (long i = 0; i < count; i++) {
        unsigned char *copy = malloc(n);
        memcpy(copy, hay + offs[i], n);
        sink += copy[0];
        free(copy);
      }
      if (round == 1) report();
    }
  } else {
    return 2;
  }
  return sink == 42 ? 3 : 0;
}
