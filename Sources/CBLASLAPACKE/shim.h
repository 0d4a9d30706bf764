#include <cblas.h>
#include <lapacke.h>

/* OpenBLAS stops its pool of worker threads (blas_server.c); the next call that uses more than one
   thread starts it again. Not declared in cblas.h. */
int blas_thread_shutdown_(void);
