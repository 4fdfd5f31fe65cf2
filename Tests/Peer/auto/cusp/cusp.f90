! Fixture for `cont import-auto` (written for this project; the problem is AUTO-07p's demo cusp):
! the normal form of the cusp, x' = mu + lambda x - x**3, lambda = PAR(1), mu = PAR(2).
      SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
      IMPLICIT NONE
      INTEGER NDIM,ICP(*),IJAC
      DOUBLE PRECISION U(NDIM),PAR(*),F(NDIM),DFDU(NDIM,*),DFDP(NDIM,*)
      F(1)=PAR(2)+PAR(1)*U(1)-U(1)**3
      END SUBROUTINE FUNC

      SUBROUTINE STPNT(NDIM,U,PAR,T)
      IMPLICIT NONE
      INTEGER NDIM
      DOUBLE PRECISION U(NDIM),PAR(*),T
      PAR(1)=1.D0
      PAR(2)=0.D0
      U(1)=0.D0
      END SUBROUTINE STPNT

      SUBROUTINE PVLS(NDIM,U,PAR)
      IMPLICIT NONE
      INTEGER NDIM
      DOUBLE PRECISION U(NDIM),PAR(*)
!     the slope of the right-hand side: zero at the folds
      PAR(3)=PAR(1)-3*U(1)**2
      END SUBROUTINE PVLS
