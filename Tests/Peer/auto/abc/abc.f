!-----------------------------------------------------------------------
! Fixture for `cont import-auto` (written for this project; the problem
! is AUTO-07p's demo abc): the reaction A -> B -> C in a stirred tank,
! three balances (x1, x2: conversions, x3: temperature).
! Fixed-form source, as older AUTO problems are written.
!-----------------------------------------------------------------------
      SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)
      IMPLICIT DOUBLE PRECISION (A-H,O-Z)
      DIMENSION U(NDIM),PAR(*),F(NDIM),DFDU(NDIM,*),DFDP(NDIM,*)
C     parameters: D, alpha, beta, B, s
      D=PAR(1)
      ALPHA=PAR(2)
      BETA=PAR(3)
      B=PAR(4)
      S=PAR(5)
      X1=U(1)
      X2=U(2)
      X3=U(3)
      E=DEXP(X3)
      F(1)=-X1+D*(1.D0-X1)*E
      F(2)=-X2+D*E*((1.D0-X1)-S*X2)
      F(3)=-X3-BETA*X3+D*B*E*((1.D0-X1)
     *     +ALPHA*S*X2)
      IF(IJAC.EQ.0)RETURN
      DFDU(1,1)=-1.D0-D*E
      END

      SUBROUTINE STPNT(NDIM,U,PAR,T)
      IMPLICIT DOUBLE PRECISION (A-H,O-Z)
      DIMENSION U(NDIM),PAR(*)
      PAR(1)=0.D0
      PAR(2)=1.D0
      PAR(3)=1.55D0
      PAR(4)=8.D0
      PAR(5)=0.04D0
      U(1)=0.D0
      U(2)=0.D0
      U(3)=0.D0
      END

      SUBROUTINE BCND
      END
      SUBROUTINE ICND
      END
      SUBROUTINE FOPT
      END
      SUBROUTINE PVLS
      END
